// The change-data-capture stream (`cdc:events`, consumer group "workers"): one entry per newly
// stored raw_traces row, written by the fast path after the commit. Workers read the full event
// from SQLite by sequence; the entry carries what they need to pick and route it. Sequences are
// dense (AUTOINCREMENT, one writer, no deletes on the ingest path), so a worker that sees a gap
// knows a CDC entry was lost (Redis down between commit and publish) and can read the row anyway.
import type { EventType, Platform } from '../event/envelope.ts';
import type { CommittedEvent } from '../storage/telemetry-store.ts';

export type CdcPriority = 1 | 2 | 3 | 4 | 5;

/**
 * Priority of each event type for the slow path (1 = most urgent). Workers take: metrics 1–3,
 * conversations 1–2, insights 4–5.
 *   1 user prompts and session/turn boundaries
 *   2 tool calls, permissions, reads and edits, shell and MCP
 *   3 assistant output, tokens (transcripts), subagents, compaction, Cursor composers and generations
 *   4 notifications, configuration and workspace events, Cursor's daily line counts
 *   5 hook errors and events we could not name
 */
export const CDC_PRIORITY: Readonly<Record<EventType, CdcPriority>> = {
  user_prompt: 1,
  prompt_expansion: 1,
  session_start: 1,
  session_end: 1,
  turn_end: 1,
  turn_error: 1,
  tool_start: 2,
  tool_use: 2,
  tool_failure: 2,
  tool_batch: 2,
  permission_request: 2,
  permission_denied: 2,
  file_read: 2,
  file_edit: 2,
  tab_file_read: 2,
  tab_file_edit: 2,
  shell_start: 2,
  shell_execution: 2,
  mcp_start: 2,
  mcp_execution: 2,
  elicitation: 2,
  elicitation_result: 2,
  assistant_response: 3,
  assistant_thought: 3,
  message_display: 3,
  subagent_start: 3,
  subagent_stop: 3,
  task_created: 3,
  task_completed: 3,
  compaction_start: 3,
  compaction_end: 3,
  token_usage: 3,
  composer_update: 3,
  generation: 3,
  notification: 4,
  teammate_idle: 4,
  setup: 4,
  instructions_loaded: 4,
  config_change: 4,
  cwd_change: 4,
  directory_added: 4,
  file_change: 4,
  worktree_create: 4,
  worktree_remove: 4,
  workspace_open: 4,
  daily_code_stats: 4,
  hook_error: 5,
  other: 5,
};

export interface CdcEntry {
  sequence: number;
  event_id: string;
  session_uuid: string;
  event_type: EventType;
  platform: Platform;
  priority: CdcPriority;
}

export function cdcPriority(eventType: string): CdcPriority {
  return Object.hasOwn(CDC_PRIORITY, eventType) ? CDC_PRIORITY[eventType as EventType] : 5;
}

/** Field names of a CDC entry, in order. */
export const CDC_FIELDS = ['sequence', 'event_id', 'session_uuid', 'event_type', 'platform', 'priority'] as const;

/** Values of a CDC entry for one committed row, in CDC_FIELDS order. */
export function cdcEntryValues(event: CommittedEvent): string[] {
  return [String(event.sequence), event.event_id, event.session_uuid, event.event_type, event.platform, String(cdcPriority(event.event_type))];
}

/** Field/value list of the stream entry for one committed row. */
export function cdcEntryFields(event: CommittedEvent): string[] {
  return cdcEntryValues(event).flatMap((value, index) => [CDC_FIELDS[index]!, value]);
}

/** Reads an entry back (workers); undefined when a field is missing or malformed. */
export function parseCdcEntry(fields: readonly string[]): CdcEntry | undefined {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
  const sequence = Number(values.get('sequence'));
  const priority = Number(values.get('priority'));
  const eventId = values.get('event_id');
  const sessionUuid = values.get('session_uuid');
  const eventType = values.get('event_type');
  const platform = values.get('platform');
  if (!Number.isSafeInteger(sequence) || sequence <= 0 || !(priority >= 1 && priority <= 5 && Number.isInteger(priority))) return undefined;
  if (!eventId || !sessionUuid || !eventType || !Object.hasOwn(CDC_PRIORITY, eventType)) return undefined;
  if (platform !== 'claude_code' && platform !== 'cursor') return undefined;
  return { sequence, event_id: eventId, session_uuid: sessionUuid, event_type: eventType as EventType, platform, priority: priority as CdcPriority };
}
