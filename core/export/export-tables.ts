// The tabular layout of an export (CSV and Parquet): four tables, one row per session, turn, code
// change and insight, each a fixed list of typed columns. The sessions table flattens the useful
// numbers of session_metrics (the JSON export keeps it whole). Identifier columns go through the
// export's IdMapper, so `--anonymize` covers every table the same way.
import type { CodeChangeRow, TurnRow } from '../conversations/conversation-rows.ts';
import type { IdMapper } from './anonymizer.ts';
import type { InsightRow, SessionBundle } from './processed-rows.ts';

export const TABLE_NAMES = ['sessions', 'turns', 'changes', 'insights'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export type ColumnType = 'STRING' | 'INT64' | 'DOUBLE' | 'BOOLEAN';
export type Cell = string | number | boolean | null;

export interface Column<Row> {
  name: string;
  type: ColumnType;
  value(row: Row, ids: IdMapper): Cell;
}

export type SessionRow = Pick<SessionBundle, 'conversation' | 'metrics'>;

/** A value at a path of the metrics JSON; a metric that is `unavailable` (or missing) is null. */
function at(metrics: Record<string, unknown> | null, path: string): unknown {
  let value: unknown = metrics;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object' && 'status' in value) {
      const metric = value as { status: string; value?: unknown };
      value = metric.status === 'ok' ? metric.value : null;
    }
  }
  return value ?? null;
}

function numberAt(metrics: Record<string, unknown> | null, path: string): number | null {
  const value = at(metrics, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function metric(name: string, type: 'INT64' | 'DOUBLE', path: string): Column<SessionRow> {
  return { name, type, value: ({ metrics }) => numberAt(metrics, path) };
}

export const SESSION_COLUMNS: readonly Column<SessionRow>[] = [
  { name: 'id', type: 'STRING', value: ({ conversation }, ids) => ids.id(conversation.id) },
  { name: 'session_id', type: 'STRING', value: ({ conversation }, ids) => ids.id(conversation.session_id) },
  { name: 'platform', type: 'STRING', value: ({ conversation }) => conversation.platform },
  { name: 'project_hash', type: 'STRING', value: ({ conversation }, ids) => ids.id(conversation.project_hash) },
  { name: 'workspace_hash', type: 'STRING', value: ({ conversation }, ids) => ids.id(conversation.workspace_hash) },
  { name: 'created_at', type: 'STRING', value: ({ conversation }) => conversation.created_at },
  { name: 'updated_at', type: 'STRING', value: ({ conversation }) => conversation.updated_at },
  { name: 'ended_at', type: 'STRING', value: ({ conversation }) => conversation.ended_at },
  { name: 'end_reason', type: 'STRING', value: ({ conversation }) => conversation.end_reason },
  { name: 'prompts', type: 'INT64', value: ({ conversation }) => conversation.interaction_count },
  { name: 'turns', type: 'INT64', value: ({ conversation }) => conversation.turn_count },
  { name: 'tool_calls', type: 'INT64', value: ({ conversation }) => conversation.tool_call_count },
  { name: 'tool_errors', type: 'INT64', value: ({ conversation }) => conversation.tool_error_count },
  { name: 'acceptance_rate', type: 'DOUBLE', value: ({ conversation }) => conversation.acceptance_rate },
  { name: 'lines_added', type: 'INT64', value: ({ conversation }) => conversation.total_lines_added },
  { name: 'lines_removed', type: 'INT64', value: ({ conversation }) => conversation.total_lines_removed },
  { name: 'tokens_total', type: 'INT64', value: ({ conversation }) => conversation.total_tokens },
  { name: 'cost_usd', type: 'DOUBLE', value: ({ conversation }) => conversation.cost_usd },
  metric('tokens_input', 'INT64', 'tokens.total.input'),
  metric('tokens_output', 'INT64', 'tokens.total.output'),
  metric('tokens_cache_read', 'INT64', 'tokens.total.cache_read'),
  metric('tokens_cache_write', 'INT64', 'tokens.total.cache_write'),
  metric('duration_ms', 'INT64', 'latency.duration_ms'),
  metric('active_time_ms', 'INT64', 'latency.active_time_ms'),
  metric('idle_time_ms', 'INT64', 'latency.idle_time_ms'),
  metric('response_time_p50_ms', 'DOUBLE', 'latency.response_time_ms.p50'),
  metric('tool_latency_p95_ms', 'DOUBLE', 'latency.all_tools.p95'),
  metric('tool_error_rate', 'DOUBLE', 'errors.tool_error_rate'),
  metric('interruptions', 'INT64', 'errors.interruptions'),
  metric('proposals', 'INT64', 'acceptance.proposals'),
  metric('accepted', 'INT64', 'acceptance.accepted'),
  metric('rejected', 'INT64', 'acceptance.rejected'),
  metric('time_to_accept_p50_ms', 'DOUBLE', 'acceptance.time_to_accept_ms.p50'),
  metric('applied_edits', 'INT64', 'acceptance.applied_edits'),
  metric('reverted_edits', 'INT64', 'acceptance.reverted_edits'),
  metric('composer_block_accept_rate', 'DOUBLE', 'acceptance.composer_block_accept_rate'),
  metric('kept_lines_added', 'INT64', 'code.kept_lines_added'),
  metric('files_touched', 'INT64', 'code.files_touched'),
  metric('new_files', 'INT64', 'code.new_files'),
  metric('tab_lines_added', 'INT64', 'code.tab.lines_added'),
  metric('compactions', 'INT64', 'usage.compactions'),
  metric('subagents', 'INT64', 'usage.subagents.count'),
  metric('model_switches', 'INT64', 'usage.models.switches'),
  { name: 'most_used_tool', type: 'STRING', value: ({ metrics }) => (typeof at(metrics, 'usage.most_used_tool') === 'string' ? (at(metrics, 'usage.most_used_tool') as string) : null) },
  metric('events', 'INT64', 'quality.events'),
  metric('hook_errors', 'INT64', 'quality.hook_errors'),
];

export const TURN_COLUMNS: readonly Column<TurnRow>[] = [
  { name: 'id', type: 'STRING', value: (row, ids) => ids.id(row.id) },
  { name: 'conversation_id', type: 'STRING', value: (row, ids) => ids.id(row.conversation_id) },
  { name: 'turn_number', type: 'INT64', value: (row) => row.turn_number },
  { name: 'turn_type', type: 'STRING', value: (row) => row.turn_type },
  { name: 'content_hash', type: 'STRING', value: (row, ids) => ids.id(row.content_hash) },
  { name: 'started_at', type: 'STRING', value: (row) => row.started_at },
  { name: 'ended_at', type: 'STRING', value: (row) => row.ended_at },
  { name: 'prompt_chars', type: 'INT64', value: (row) => row.prompt_chars },
  { name: 'prompt_words', type: 'INT64', value: (row) => row.prompt_words },
  { name: 'tokens_used', type: 'INT64', value: (row) => row.tokens_used },
  { name: 'latency_ms', type: 'INT64', value: (row) => row.latency_ms },
  { name: 'tool_calls', type: 'INT64', value: (row) => row.tool_calls },
  { name: 'tool_errors', type: 'INT64', value: (row) => row.tool_errors },
  { name: 'lines_added', type: 'INT64', value: (row) => row.lines_added },
  { name: 'lines_removed', type: 'INT64', value: (row) => row.lines_removed },
  { name: 'model', type: 'STRING', value: (row) => row.model },
];

export const CHANGE_COLUMNS: readonly Column<CodeChangeRow>[] = [
  { name: 'id', type: 'STRING', value: (row, ids) => ids.id(row.id) },
  { name: 'conversation_id', type: 'STRING', value: (row, ids) => ids.id(row.conversation_id) },
  { name: 'turn_id', type: 'STRING', value: (row, ids) => ids.id(row.turn_id) },
  { name: 'tool', type: 'STRING', value: (row) => row.tool },
  { name: 'file_extension', type: 'STRING', value: (row) => row.file_extension },
  { name: 'file_hash', type: 'STRING', value: (row, ids) => ids.id(row.file_hash) },
  { name: 'operation', type: 'STRING', value: (row) => row.operation },
  { name: 'lines_added', type: 'INT64', value: (row) => row.lines_added },
  { name: 'lines_removed', type: 'INT64', value: (row) => row.lines_removed },
  { name: 'accepted', type: 'BOOLEAN', value: (row) => row.accepted },
  { name: 'outcome', type: 'STRING', value: (row) => row.outcome },
  { name: 'rejection', type: 'STRING', value: (row) => row.rejection },
  { name: 'acceptance_delay_ms', type: 'INT64', value: (row) => row.acceptance_delay_ms },
  { name: 'reverted', type: 'BOOLEAN', value: (row) => row.reverted },
  { name: 'created_at', type: 'STRING', value: (row) => row.created_at },
];

export const INSIGHT_COLUMNS: readonly Column<InsightRow>[] = [
  { name: 'id', type: 'STRING', value: (row, ids) => ids.id(row.id) },
  { name: 'rule', type: 'STRING', value: (row) => row.rule },
  { name: 'subject', type: 'STRING', value: (row) => row.subject },
  { name: 'severity', type: 'STRING', value: (row) => row.severity },
  { name: 'scope', type: 'STRING', value: (row) => row.scope },
  { name: 'scope_key', type: 'STRING', value: (row, ids) => ids.scopeKey(row.scope, row.scope_key) },
  { name: 'title', type: 'STRING', value: (row) => row.title },
  { name: 'evidence', type: 'STRING', value: (row) => row.evidence },
  { name: 'source', type: 'STRING', value: (row) => row.source },
  { name: 'first_detected_at', type: 'STRING', value: (row) => row.first_detected_at },
  { name: 'last_detected_at', type: 'STRING', value: (row) => row.last_detected_at },
  { name: 'resolved_at', type: 'STRING', value: (row) => row.resolved_at },
];
