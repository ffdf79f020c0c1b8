// Sessions as Layer 3 reads them: the conversation rows (one per session), their stored metrics,
// and a timeline of turns and code changes, all from processed tables (processed-database.ts).
// A session is named by Blueplane's UUID or the IDE's session id, or a unique start of either.
import type { CodeChangeRow, ConversationRow, TurnRow } from '../conversations/conversation-rows.ts';
import type { Platform } from '../event/envelope.ts';
import type { PublicView } from '../metrics/public-view.ts';
import type { SessionMetrics } from '../metrics/session-metrics.ts';
import type { ProcessedDatabase } from './processed-database.ts';

export interface SessionFilter {
  platform?: Platform;
  projectHash?: string;
  /** Sessions whose acceptance rate is at least this (sessions without a rate are left out). */
  minAcceptance?: number;
  /** Last activity at or after (ISO-8601). */
  since?: string;
  /** Last activity before (ISO-8601). */
  until?: string;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface SessionPage {
  total: number;
  limit: number;
  offset: number;
  sessions: ConversationRow[];
}

export type SessionMatch = { kind: 'found'; session: ConversationRow } | { kind: 'none' } | { kind: 'ambiguous'; ids: string[] };

export type TimelineEntry =
  | ({ kind: 'turn'; at: string } & Omit<TurnRow, 'conversation_id'>)
  | ({ kind: 'code_change'; at: string } & Omit<CodeChangeRow, 'conversation_id'>);

export interface Timeline {
  session_id: string;
  total: number;
  limit: number;
  offset: number;
  entries: TimelineEntry[];
}

const COLUMNS = `id, session_id, platform, project_hash, workspace_hash, created_at, updated_at, ended_at, end_reason, interaction_count,
  turn_count, tool_call_count, tool_error_count, acceptance_rate, total_lines_added, total_lines_removed, total_tokens, cost_usd`;
const FILTER = `(:platform IS NULL OR platform = :platform) AND (:project IS NULL OR project_hash = :project)
  AND (:minAcceptance IS NULL OR acceptance_rate >= :minAcceptance) AND (:since IS NULL OR updated_at >= :since) AND (:until IS NULL OR updated_at < :until)`;

type FilterParameters = Record<'platform' | 'project' | 'minAcceptance' | 'since' | 'until', string | number | null>;

function parameters(filter: SessionFilter): FilterParameters {
  return {
    platform: filter.platform ?? null,
    project: filter.projectHash ?? null,
    minAcceptance: filter.minAcceptance ?? null,
    since: filter.since ?? null,
    until: filter.until ?? null,
  };
}

type StoredChange = Omit<CodeChangeRow, 'accepted' | 'reverted'> & { accepted: number | null; reverted: number | null };

export class SessionsQuery {
  private readonly db: ProcessedDatabase;
  private readonly selectPage;
  private readonly selectCount;
  private readonly selectExact;
  private readonly selectPrefix;
  private readonly selectMetrics;
  private readonly selectTurns;
  private readonly selectChanges;

  constructor(db: ProcessedDatabase) {
    this.db = db;
    this.selectPage = db.prepare<ConversationRow>(`SELECT ${COLUMNS} FROM conversations WHERE ${FILTER} ORDER BY updated_at DESC, id LIMIT :limit OFFSET :offset`);
    this.selectCount = db.prepare<{ total: number }>(`SELECT count(*) AS total FROM conversations WHERE ${FILTER}`);
    this.selectExact = db.prepare<ConversationRow>(`SELECT ${COLUMNS} FROM conversations WHERE id = ? OR session_id = ? ORDER BY updated_at DESC LIMIT 2`);
    this.selectPrefix = db.prepare<ConversationRow>(`SELECT ${COLUMNS} FROM conversations
      WHERE substr(id, 1, length(:prefix)) = :prefix OR substr(session_id, 1, length(:prefix)) = :prefix ORDER BY updated_at DESC LIMIT 10`);
    this.selectMetrics = db.prepare<{ metrics: string }>('SELECT metrics FROM session_metrics WHERE conversation_id = ?');
    this.selectTurns = db.prepare<TurnRow>(`SELECT id, turn_number, turn_type, content_hash, started_at, ended_at, prompt_chars, prompt_words,
      tokens_used, latency_ms, tool_calls, tool_errors, lines_added, lines_removed, model FROM conversation_turns WHERE conversation_id = ?`);
    this.selectChanges = db.prepare<StoredChange>(`SELECT id, turn_id, tool, file_extension, file_hash, operation, lines_added, lines_removed,
      accepted, outcome, rejection, acceptance_delay_ms, reverted, created_at FROM code_changes WHERE conversation_id = ?`);
  }

  /** Sessions by latest activity first, one page, with the number matching the filter. */
  list(filter: SessionFilter, page: Page): SessionPage {
    const bound = parameters(filter);
    return this.db.snapshot(() => ({
      total: this.selectCount.get(bound)!.total,
      limit: page.limit,
      offset: page.offset,
      sessions: this.selectPage.all({ ...bound, limit: page.limit, offset: page.offset }),
    }));
  }

  /** The session a user named: exact UUID or IDE id first, else a unique prefix of either. */
  find(name: string): SessionMatch {
    const exact = this.selectExact.all(name, name);
    const candidates = exact.length > 0 ? exact : this.selectPrefix.all({ prefix: name });
    if (candidates.length === 0) return { kind: 'none' };
    if (candidates.length > 1) return { kind: 'ambiguous', ids: candidates.map((row) => row.id) };
    return { kind: 'found', session: candidates[0]! };
  }

  /** Every metric of the session, as the conversations worker stored it. */
  metrics(conversationId: string): PublicView<SessionMetrics> | undefined {
    const row = this.selectMetrics.get(conversationId);
    return row ? (JSON.parse(row.metrics) as PublicView<SessionMetrics>) : undefined;
  }

  /** Turns and code changes in time order (a turn before the changes it holds), one page. */
  timeline(conversationId: string, page: Page): Timeline {
    const { turns, changes } = this.db.snapshot(() => ({ turns: this.selectTurns.all(conversationId), changes: this.selectChanges.all(conversationId) }));
    const entries: TimelineEntry[] = [
      ...turns.map((turn): TimelineEntry => ({ kind: 'turn', at: turn.started_at, ...turn })),
      ...changes.map((change): TimelineEntry => ({
        kind: 'code_change',
        at: change.created_at,
        ...change,
        accepted: change.accepted === null ? null : change.accepted !== 0,
        reverted: change.reverted === null ? null : change.reverted !== 0,
      })),
    ];
    const order = (entry: TimelineEntry): number => (entry.kind === 'turn' ? 0 : 1);
    entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : order(a) - order(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    return { session_id: conversationId, total: entries.length, limit: page.limit, offset: page.offset, entries: entries.slice(page.offset, page.offset + page.limit) };
  }
}
