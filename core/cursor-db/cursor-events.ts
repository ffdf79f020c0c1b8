// Sanitized records from Cursor's state.vscdb and their envelopes (v1, platform "cursor",
// hook_type "state.vscdb"):
// - composer_update: a snapshot of one composer (conversation); session_id is the composer id, which
//   is the conversation_id / session_id Cursor's hooks send. A later snapshot supersedes an earlier
//   one: consumers take the latest per session, they never add snapshots up.
// - generation: one entry of a workspace's aiService.generations (id, time, kind); its generation_id
//   joins the hooks' metadata.generation_id. session_id "unknown": the entry names no composer.
// - daily_code_stats: Cursor's own per-day line counts (Tab and Composer, suggested and accepted),
//   a snapshot per date.
// Event ids are derived from the content (stable), so a re-read stores nothing twice.
import type { EventMetadata, TelemetryEvent } from '../event/envelope.ts';
import { ENVELOPE_VERSION } from '../event/envelope.ts';
import { stableEventId } from '../transcripts/stable-event-id.ts';
import { PRODUCT_VERSION } from '../version.ts';
import type { BubbleAggregate, ComposerFacts, DailyStatsFacts } from './cursor-facts.ts';

export const CURSOR_DB_HOOK_TYPE = 'state.vscdb';

export interface CursorComposerRecord {
  kind: 'composer_update';
  /** The composer id (plain ids verbatim, anything else as a keyed hash). */
  sessionId: string;
  /** Keyed hash of the workspace folder: equals the hooks' project_hash for the same folder. */
  projectHash?: string;
  facts: Omit<ComposerFacts, 'projectHash'>;
  /** Totals over the composer's bubbles, when it has bubble rows (global database). */
  bubbles?: BubbleAggregate;
}

export interface CursorGenerationRecord {
  kind: 'generation';
  generationId: string;
  unixMs: number;
  generationKind?: string;
  projectHash?: string;
}

export interface CursorDailyStatsRecord {
  kind: 'daily_code_stats';
  stats: DailyStatsFacts;
}

export type CursorRecord = CursorComposerRecord | CursorGenerationRecord | CursorDailyStatsRecord;

export type CursorEventType = CursorRecord['kind'];

export type CursorEvent = TelemetryEvent & { event_type: CursorEventType };

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

/** A composer worth reporting: it has messages, bubbles or changed lines (most composers are empty drafts). */
export function isReportableComposer(record: CursorComposerRecord): boolean {
  const { facts, bubbles } = record;
  return (facts.messages ?? 0) > 0 || (bubbles?.bubbles ?? 0) > 0 || (facts.linesAdded ?? 0) > 0 || (facts.linesRemoved ?? 0) > 0;
}

/** What identifies a snapshot's content: equal fingerprints are the same snapshot. */
export function recordFingerprint(record: CursorRecord): string {
  return JSON.stringify(record);
}

function envelope(parts: Pick<CursorEvent, 'event_id' | 'timestamp' | 'session_id' | 'event_type' | 'metadata' | 'payload'>): CursorEvent {
  return { v: ENVELOPE_VERSION, platform: 'cursor', hook_type: CURSOR_DB_HOOK_TYPE, ...parts };
}

function composerEvent(record: CursorComposerRecord, now: number): CursorEvent {
  const { facts, bubbles } = record;
  const metadata: EventMetadata = withoutUndefined({
    model: facts.model ?? (bubbles && bubbles.models.length === 1 ? bubbles.models[0] : undefined),
    project_hash: record.projectHash,
    workspace_hash: record.projectHash,
    hook_version: PRODUCT_VERSION,
  });
  const at = facts.lastUpdatedAt ?? bubbles?.lastAt ?? facts.createdAt ?? now;
  return envelope({
    event_id: stableEventId('blueplane/cursor/composer_update/v1', recordFingerprint(record)),
    timestamp: new Date(at).toISOString(),
    session_id: record.sessionId,
    event_type: 'composer_update',
    metadata,
    payload: withoutUndefined({
      status: facts.status,
      mode: facts.mode,
      force_mode: facts.forceMode,
      is_agentic: facts.isAgentic,
      is_archived: facts.isArchived,
      is_draft: facts.isDraft,
      lines_added: facts.linesAdded,
      lines_removed: facts.linesRemoved,
      files_modified: facts.filesChanged,
      context_usage_percent: facts.contextUsagePercent,
      message_count: facts.messages,
      user_message_count: facts.userMessages ?? bubbles?.userBubbles,
      assistant_message_count: facts.assistantMessages ?? bubbles?.assistantBubbles,
      code_block_count: facts.codeBlocks,
      accepted_block_count: facts.acceptedBlocks,
      rejected_block_count: facts.rejectedBlocks,
      usage_cost_cents: facts.costCents,
      usage_requests: facts.usageRequests,
      subcomposer_count: facts.subComposers,
      bubble_count: bubbles?.bubbles,
      tool_count: bubbles?.toolCalls,
      tools: bubbles && bubbles.tools.length > 0 ? bubbles.tools : undefined,
      thinking_count: bubbles?.thinkingBubbles,
      error_count: bubbles?.errorBubbles,
      input_tokens: bubbles?.inputTokens,
      output_tokens: bubbles?.outputTokens,
      models: bubbles && bubbles.models.length > 0 ? bubbles.models : undefined,
      created_at: iso(facts.createdAt),
      first_message_at: iso(bubbles?.firstAt),
      last_message_at: iso(bubbles?.lastAt),
    }),
  });
}

/** The envelope for a record; `now` stands in for a composer snapshot that carries no time at all. */
export function buildCursorEvent(record: CursorRecord, now: number = Date.now()): CursorEvent {
  switch (record.kind) {
    case 'composer_update':
      return composerEvent(record, now);
    case 'generation':
      return envelope({
        event_id: stableEventId('blueplane/cursor/generation/v1', record.generationId),
        timestamp: new Date(record.unixMs).toISOString(),
        session_id: 'unknown',
        event_type: 'generation',
        metadata: withoutUndefined({ generation_id: record.generationId, project_hash: record.projectHash, workspace_hash: record.projectHash, hook_version: PRODUCT_VERSION }),
        payload: withoutUndefined({ kind: record.generationKind }),
      });
    case 'daily_code_stats': {
      const { stats } = record;
      return envelope({
        event_id: stableEventId('blueplane/cursor/daily_code_stats/v1', recordFingerprint(record)),
        timestamp: `${stats.date}T00:00:00.000Z`,
        session_id: 'unknown',
        event_type: 'daily_code_stats',
        metadata: { hook_version: PRODUCT_VERSION },
        payload: withoutUndefined({
          date: stats.date,
          tab_suggested_lines: stats.tabSuggestedLines,
          tab_accepted_lines: stats.tabAcceptedLines,
          composer_suggested_lines: stats.composerSuggestedLines,
          composer_accepted_lines: stats.composerAcceptedLines,
        }),
      });
    }
  }
}
