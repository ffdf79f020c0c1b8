// Event envelope v1 (../shared/DESIGN.md): the one wire type from hook to SQLite.
// Hooks build it, the fast path validates and stores it, the slow path reads it back.
// Only the fields declared here can ever be written: the payload is an allow-list by type.

export const ENVELOPE_VERSION = 1;

export type Platform = 'claude_code' | 'cursor';

export const EVENT_TYPES = [
  'session_start',
  'session_end',
  'setup',
  'instructions_loaded',
  'user_prompt',
  'prompt_expansion',
  'message_display',
  'tool_start',
  'tool_use',
  'tool_failure',
  'tool_batch',
  'permission_request',
  'permission_denied',
  'notification',
  'subagent_start',
  'subagent_stop',
  'task_created',
  'task_completed',
  'turn_end',
  'turn_error',
  'teammate_idle',
  'config_change',
  'cwd_change',
  'directory_added',
  'file_change',
  'worktree_create',
  'worktree_remove',
  'compaction_start',
  'compaction_end',
  'elicitation',
  'elicitation_result',
  'assistant_response',
  'assistant_thought',
  'shell_start',
  'shell_execution',
  'mcp_start',
  'mcp_execution',
  'file_read',
  'file_edit',
  'tab_file_read',
  'tab_file_edit',
  'workspace_open',
  // Not from hooks: the transcript monitor (one API response's usage) and the Cursor database
  // monitor (composer snapshots, generations, Cursor's own daily line counts).
  'token_usage',
  'composer_update',
  'generation',
  'daily_code_stats',
  'hook_error',
  'other',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface EventMetadata {
  /** HMAC of the working directory of the event. */
  workspace_hash?: string;
  /** HMAC of the project root (Claude's project dir, Cursor's first workspace root). */
  project_hash?: string;
  model?: string;
  agent_id?: string;
  agent_type?: string;
  ide_version?: string;
  permission_mode?: string;
  prompt_id?: string;
  generation_id?: string;
  effort?: string;
  hook_version: string;
}

/**
 * Every payload field any event may carry. Values are counts, sizes, durations, names from
 * closed vocabularies, ids, and salted hashes; never text written by a person or a model.
 */
export interface EventPayload {
  // tools
  tool?: string;
  tool_use_id?: string;
  success?: boolean;
  duration_ms?: number;
  is_interrupt?: boolean;
  error_class?: ErrorClass;
  exit_code?: number;
  input_chars?: number;
  output_chars?: number;
  tool_count?: number;
  tools?: string[];
  subagent_type?: string;
  // files and edits
  file_extension?: string;
  file_hash?: string;
  lines_added?: number;
  lines_removed?: number;
  edit_count?: number;
  is_new_file?: boolean;
  files_modified?: number;
  // shell
  command_name?: string;
  command_hash?: string;
  sandbox?: boolean;
  // prompts and responses
  prompt_chars?: number;
  prompt_words?: number;
  prompt_hash?: string;
  response_chars?: number;
  response_words?: number;
  attachment_files?: number;
  attachment_rules?: number;
  // tokens
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  total_tokens?: number;
  tool_use_count?: number;
  // token_usage (transcript monitor): cache writes split by lifetime (priced differently)
  cache_write_5m_tokens?: number;
  cache_write_1h_tokens?: number;
  /** Keyed hash of message.id + requestId. */
  message_key?: string;
  is_sidechain?: boolean;
  /** The usage came from a line with a stop_reason (exact); otherwise a lower bound before Claude Code 2.1.97. */
  usage_final?: boolean;
  is_api_error?: boolean;
  speed?: string;
  service_tier?: string;
  inference_geo?: string;
  web_search_requests?: number;
  web_fetch_requests?: number;
  // composer_update and daily_code_stats (Cursor database monitor)
  user_message_count?: number;
  assistant_message_count?: number;
  bubble_count?: number;
  thinking_count?: number;
  error_count?: number;
  code_block_count?: number;
  accepted_block_count?: number;
  rejected_block_count?: number;
  /** Cursor's own usageData figures (often empty): cost in cents and request count. */
  usage_cost_cents?: number;
  usage_requests?: number;
  subcomposer_count?: number;
  is_agentic?: boolean;
  is_archived?: boolean;
  is_draft?: boolean;
  force_mode?: string;
  models?: string[];
  created_at?: string;
  first_message_at?: string;
  last_message_at?: string;
  date?: string;
  tab_suggested_lines?: number;
  tab_accepted_lines?: number;
  composer_suggested_lines?: number;
  composer_accepted_lines?: number;
  // lifecycle vocabularies (closed lists, unknown values become "other")
  source?: string;
  reason?: string;
  trigger?: string;
  status?: string;
  mode?: string;
  action?: string;
  kind?: string;
  // counters
  loop_count?: number;
  message_count?: number;
  index?: number;
  final?: boolean;
  background_task_count?: number;
  is_background_agent?: boolean;
  is_parallel_worker?: boolean;
  stop_hook_active?: boolean;
  context_tokens?: number;
  context_window_size?: number;
  context_usage_percent?: number;
  messages_to_compact?: number;
  is_first_compaction?: boolean;
  task_id?: string;
  turn_id?: string;
  mcp_server?: string;
  suggestion_count?: number;
  // hook_error and other
  hook_name?: string;
  error_reason?: HookErrorReason;
  input_bytes?: number;
}

export type ErrorClass =
  | 'not_found'
  | 'permission'
  | 'timeout'
  | 'non_zero_exit'
  | 'invalid_input'
  | 'network'
  | 'interrupted'
  | 'other';

export type HookErrorReason =
  | 'empty_input'
  | 'invalid_json'
  | 'not_an_object'
  | 'binary_input'
  | 'too_large'
  | 'read_timeout'
  | 'read_error'
  | 'sanitize_error';

export interface TelemetryEvent {
  v: typeof ENVELOPE_VERSION;
  event_id: string;
  /** ISO-8601 UTC with milliseconds, taken by the hook. */
  timestamp: string;
  platform: Platform;
  session_id: string;
  event_type: EventType;
  /** The IDE's own event name (e.g. "PostToolUse", "afterFileEdit"). */
  hook_type: string;
  metadata: EventMetadata;
  payload: EventPayload;
}

/** Redis stream entry fields written by the hooks, in order. */
export function streamEntryFields(event: TelemetryEvent): string[] {
  return ['event_id', event.event_id, 'event_type', event.event_type, 'platform', event.platform, 'data', JSON.stringify(event)];
}
