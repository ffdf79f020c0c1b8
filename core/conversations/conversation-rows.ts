// The rows of one session in the conversation tables (migration 2: conversations,
// conversation_turns, code_changes; migration 4: session_metrics), as buildConversation makes them and ConversationStore reads
// them back: property names are the column names, BOOLEAN columns are booleans here (0/1 in SQLite).
// Values are hashes, counts, durations, times and names from closed vocabularies; never text.
//
// Ids are derived, never random, so rebuilding a session gives the same rows:
//   conversation  the session's UUID (its session_mappings row), given by the caller
//   turn          <conversation id>:<turn number>
//   code change   <conversation id>:<event_id of the PreToolUse, or of the applied edit's event>
import type { Platform } from '../event/envelope.ts';
import type { RejectionKind } from '../metrics/edit-history.ts';
import type { PublicView } from '../metrics/public-view.ts';
import type { SessionMetrics } from '../metrics/session-metrics.ts';

export interface ConversationRow {
  /** The session's UUID. */
  id: string;
  /** The IDE's own session id. */
  session_id: string;
  platform: Platform;
  project_hash: string | null;
  workspace_hash: string | null;
  /** First and last event of the session (ISO-8601 UTC); null when no event has a valid time. */
  created_at: string | null;
  updated_at: string | null;
  /** The closing SessionEnd's time, while nothing came after it. */
  ended_at: string | null;
  end_reason: string | null;
  /** User prompts. */
  interaction_count: number;
  /** Rows in conversation_turns (turn 0 included when there is one). */
  turn_count: number;
  tool_call_count: number;
  tool_error_count: number;
  /** Accepted, not reverted / decided proposals; null where unavailable (Cursor, no proposal decided). */
  acceptance_rate: number | null;
  total_lines_added: number;
  total_lines_removed: number;
  /** Input + output + cache read + cache write; null when the session has no token data. */
  total_tokens: number | null;
  /** An estimate from the price table; null when no model of the session is priced. */
  cost_usd: number | null;
}

export type TurnType = 'user_prompt' | 'session_start';

export interface TurnRow {
  id: string;
  conversation_id: string;
  /** 1, 2, … for the prompts in order; 0 for what happened before the first prompt. */
  turn_number: number;
  turn_type: TurnType;
  /** The prompt's keyed hash. */
  content_hash: string | null;
  started_at: string;
  /** The turn's last event. */
  ended_at: string;
  prompt_chars: number | null;
  prompt_words: number | null;
  /** Tokens of the usage records in the turn; null when the session has no token data at all. */
  tokens_used: number | null;
  /** The engine's response time for the prompt; null when nothing answered before the next prompt. */
  latency_ms: number | null;
  tool_calls: number;
  tool_errors: number;
  /** Lines of the edits that landed (applied), as in the conversation's totals. */
  lines_added: number;
  lines_removed: number;
  model: string | null;
}

/** create: the tool reported a new file; write: a whole-file Write of an existing file, or one never run; edit: the rest. */
export type ChangeOperation = 'create' | 'write' | 'edit';
/** A proposal's outcome (edit-history.ts), or applied: an edit that landed with no proposal seen (Cursor). */
export type ChangeOutcome = 'accepted' | 'rejected' | 'failed' | 'pending' | 'applied';

export interface CodeChangeRow {
  id: string;
  conversation_id: string;
  turn_id: string;
  /** The edit tool (Edit, Write, MultiEdit, NotebookEdit); null for Cursor's afterFileEdit, which names none. */
  tool: string | null;
  /** Lower-cased (".ts"); null when the file has none or is not known. */
  file_extension: string | null;
  file_hash: string | null;
  operation: ChangeOperation;
  /** Lines of the diff that landed; for a proposal that did not land, the lines it proposed. Null when not known. */
  lines_added: number | null;
  lines_removed: number | null;
  /** True when the edit landed, false when it was rejected or failed, null while pending. */
  accepted: boolean | null;
  outcome: ChangeOutcome;
  rejection: RejectionKind | null;
  /** PreToolUse → its outcome (edit-history.ts delayMs); null for applied edits and pending proposals. */
  acceptance_delay_ms: number | null;
  /** Edited back within 30 s (edit-history.ts); null when the edit never landed. */
  reverted: boolean | null;
  /** The proposal's PreToolUse time, else the applied edit's time. */
  created_at: string;
}

export interface ConversationRows {
  conversation: ConversationRow;
  turns: TurnRow[];
  changes: CodeChangeRow[];
  /** Every metric of the session (session_metrics.metrics, as JSON). */
  metrics: PublicView<SessionMetrics>;
}

export function turnId(conversationId: string, turnNumber: number): string {
  return `${conversationId}:${turnNumber}`;
}

export function changeId(conversationId: string, eventId: string): string {
  return `${conversationId}:${eventId}`;
}
