// A real telemetry.db in a temporary data folder holding processed rows for the export tests:
// sessions built by the real conversation builder from the metrics tests' sample sessions, with
// long distinctive identifiers (so a test can search an export for every one of them) and
// activity times the test chooses, plus insights of each scope.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConversation } from '../../core/conversations/build-conversation.ts';
import type { ConversationRows } from '../../core/conversations/conversation-rows.ts';
import { ConversationStore } from '../../core/conversations/conversation-store.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { InsightStore } from '../../core/insights/insight-store.ts';
import { silentLog } from '../../core/log.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';
import { queryDatabase } from '../support/telemetry-db.ts';
import { priceOf } from './metrics-builders.ts';
import { claudeSession, cursorSession } from './metrics-sample-sessions.ts';

export interface ProcessedHome {
  home: string;
  file: string;
  sessions: ConversationRows[];
  remove(): void;
}

export interface SessionSpec {
  kind: 'claude' | 'cursor';
  /** A distinctive tag put into every identifier of the session. */
  tag: string;
  /** The session's activity time (updated_at). */
  updatedAt: string;
}

function retag(events: readonly TelemetryEvent[], tag: string): TelemetryEvent[] {
  return events.map((event) => ({
    ...event,
    session_id: `ide-session-${tag}-7d1e`,
    metadata: { ...event.metadata, project_hash: `project-hash-${tag}-5c2a`, workspace_hash: `workspace-hash-${tag}-9b3f` },
    payload: {
      ...event.payload,
      ...(typeof event.payload.file_hash === 'string' ? { file_hash: `file-hash-${tag}-${event.payload.file_hash}-11aa` } : {}),
    },
  })) as TelemetryEvent[];
}

export function processedHome(specs: readonly SessionSpec[]): ProcessedHome {
  const home = mkdtempSync(join(tmpdir(), 'blueplane-export-'));
  const file = join(home, DATABASE_FILE);
  const telemetry = TelemetryStore.open(file, silentLog);
  const conversations = new ConversationStore(telemetry.connection());
  const insights = new InsightStore(telemetry.connection());
  const sessions: ConversationRows[] = [];
  specs.forEach((spec, index) => {
    const sample = spec.kind === 'claude' ? claudeSession() : cursorSession();
    const rows = buildConversation(retag([...sample.events, ...sample.usageEvents], spec.tag), `conversation-${spec.tag}-0000-7000-8000-${String(index).padStart(12, '0')}`, { priceOf });
    rows.conversation.updated_at = spec.updatedAt;
    conversations.replace(rows);
    sessions.push(rows);
    const at = Date.parse(spec.updatedAt);
    const finding = { rule: 'tool_error_rate', subject: 'Bash', severity: 'warning' as const, title: 'Bash fails in 1 of 2 calls', evidence: { errors: 1, calls: 2 } };
    insights.record('session', `${rows.conversation.platform}:${rows.conversation.session_id}`, [finding], at);
    if (rows.conversation.project_hash) insights.record('project', rows.conversation.project_hash, [finding], at);
  });
  telemetry.close();
  return { home, file, sessions, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** Every identifier stored in the processed tables (what an anonymized export must not contain). */
export function storedIdentifiers(file: string): string[] {
  const values = new Set<string>();
  const add = (rows: Array<Record<string, string | null>>) => {
    for (const row of rows) for (const value of Object.values(row)) if (value) values.add(value);
  };
  add(queryDatabase(file, 'SELECT id, session_id, project_hash, workspace_hash FROM conversations'));
  add(queryDatabase(file, 'SELECT id, conversation_id, content_hash FROM conversation_turns'));
  add(queryDatabase(file, 'SELECT id, conversation_id, turn_id, file_hash FROM code_changes'));
  add(queryDatabase(file, 'SELECT id, scope_key FROM insights WHERE scope IN (\'session\', \'project\')'));
  return [...values];
}
