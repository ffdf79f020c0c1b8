// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of what the API answers. The route table names
// one per route; the OpenAPI document carries them under components.schemas, and the API test
// validates every answer against them, so the document cannot drift from what is served.
export type Schema = Readonly<Record<string, unknown>>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const string: Schema = { type: 'string' };
const integer: Schema = { type: 'integer' };
const number: Schema = { type: 'number' };
const count: Schema = { type: 'integer', minimum: 0 };
const instant: Schema = { type: 'string', format: 'date-time' };

function object(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return { type: 'object', properties, required: Object.keys(properties).filter((name) => !optional.includes(name)) };
}

const list = (items: Schema): Schema => ({ type: 'array', items });
const map = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });

/** A metric: a value, or unavailable with the reason (never a 0 standing in for "unknown"). */
function metric(value: Schema): Schema {
  return {
    oneOf: [
      object({ status: { const: 'ok' }, value }),
      object({ status: { const: 'unavailable' }, reason: { enum: ['platform_lacks_input', 'not_observable', 'no_data', 'no_price'] }, detail: string }),
    ],
  };
}

const distribution = object({ count, min: number, max: number, mean: number, p50: number, p95: number, p99: number });
const tokenCounts = object({ input: count, output: count, cache_read: count, cache_write: count });
const page = { total: count, limit: count, offset: count };

export const SCHEMAS: Readonly<Record<string, Schema>> = {
  Error: object({ error: object({ status: integer, message: string }) }),
  Metric: metric({}),
  Distribution: distribution,
  Health: object({
    status: { enum: ['ok', 'degraded'] },
    version: string,
    uptime_s: count,
    database: { enum: ['ok', 'missing'] },
    redis: { enum: ['connected', 'unavailable'] },
  }),
  LiveNumbers: object({
    session_id: string,
    acceptance_rate: ref('Metric'),
    applied_edits: count,
    tokens: ref('Metric'),
    cost: ref('Metric'),
    tool_calls: count,
    tool_errors: count,
    active_time_ms: count,
  }),
  LiveSession: object({
    session_uuid: string,
    platform: string,
    session_id: string,
    project_hash: nullable(string),
    first_event_at: nullable(instant),
    last_event_at: nullable(instant),
    live: ref('LiveNumbers'),
  }),
  CurrentMetrics: object({ session: nullable(ref('LiveSession')) }),
  MetricsView: {
    ...object({
      acceptance: object({ proposals: count, accepted: count, rejected: count, pending: count, acceptance_rate: ref('Metric'), time_to_accept_ms: ref('Metric') }),
      errors: object({ executions: count, errors: count, tool_error_rate: ref('Metric'), interruption_rate: ref('Metric'), error_classes: map(count) }),
      latency: object({ per_tool: map(ref('Metric')), all_tools: ref('Metric'), duration_ms: count, active_time_ms: count }),
      tokens: object({ per_model: map({ ...tokenCounts, properties: { ...(tokenCounts.properties as object), cost_usd: ref('Metric') } }), total: ref('Metric'), cost: ref('Metric') }),
      code: object({ lines_added: count, lines_removed: count, net_lines: integer, per_extension: map({ type: 'object' }), files_touched: count }),
      usage: object({ tool_calls: count, tools: map(object({ calls: count, executions: count, succeeded: count, failed: count, interrupted: count, denied: count, success_rate: ref('Metric'), latency_ms: ref('Metric') }, ['success_rate', 'latency_ms'])), prompts: count, compactions: count }),
      quality: object({ events: count, duplicates: count, invalid_timestamps: count, hook_errors: count }),
    }),
    description: 'Every metric of METRICS.md for the scope; sections hold more fields than listed here.',
  },
  PeriodView: object({
    period: nullable({ enum: ['1h', '24h', '7d', '30d'] }),
    scope: string,
    sessions: count,
    metrics: nullable(ref('MetricsView')),
    previous: nullable(ref('MetricsView')),
    cursor_line_acceptance: nullable({ type: 'object' }),
  }),
  MetricsResponse: object({
    period: nullable({ enum: ['1h', '24h', '7d', '30d'] }),
    group_by: nullable({ enum: ['platform', 'project'] }),
    views: list(ref('PeriodView')),
  }),
  Series: object({
    scope: string,
    resolution: { enum: ['1s', '1m', '5m', '1h'] },
    bucket_ms: count,
    fields: list(string),
    points: list({ ...object({ start: instant, events: count, prompts: count, tool_calls: count, tool_errors: count, edits: count, lines_added: count, lines_removed: count, tokens: count }) }),
  }),
  Session: object({
    id: string,
    session_id: string,
    platform: { enum: ['claude_code', 'cursor'] },
    project_hash: nullable(string),
    workspace_hash: nullable(string),
    created_at: nullable(instant),
    updated_at: nullable(instant),
    ended_at: nullable(instant),
    end_reason: nullable(string),
    interaction_count: count,
    turn_count: count,
    tool_call_count: count,
    tool_error_count: count,
    acceptance_rate: nullable({ type: 'number', minimum: 0, maximum: 1 }),
    total_lines_added: count,
    total_lines_removed: count,
    total_tokens: nullable(count),
    cost_usd: nullable({ type: 'number', minimum: 0, description: 'an estimate from the price table' }),
  }),
  SessionList: object({ ...page, sessions: list(ref('Session')) }),
  Insight: object({
    id: string,
    type: { enum: ['productivity', 'errors', 'patterns', 'other'] },
    rule: string,
    subject: string,
    severity: { enum: ['info', 'warning', 'critical'] },
    scope: { enum: ['session', 'project', 'platform', 'all'] },
    scope_key: string,
    title: string,
    evidence: map(number),
    source: string,
    first_detected_at: instant,
    last_detected_at: instant,
    resolved_at: nullable(instant),
  }),
  InsightsResponse: object({ ...page, insights: list(ref('Insight')) }),
  SessionDetail: object({ session: ref('Session'), live: nullable(ref('LiveSession')), insights: list(ref('Insight')) }),
  SessionAnalysis: object({ session: ref('Session'), metrics: ref('MetricsView'), insights: list(ref('Insight')) }),
  TimelineEntry: {
    oneOf: [
      object({ kind: { const: 'turn' }, at: instant, id: string, turn_number: count, turn_type: string, latency_ms: nullable(count), tool_calls: count, tool_errors: count, tokens_used: nullable(count) }),
      object({ kind: { const: 'code_change' }, at: instant, id: string, turn_id: nullable(string), tool: nullable(string), file_extension: nullable(string), outcome: nullable(string), accepted: nullable({ type: 'boolean' }), acceptance_delay_ms: nullable(count), lines_added: nullable(count), lines_removed: nullable(count) }),
    ],
  },
  Timeline: object({ session_id: string, ...page, entries: list(ref('TimelineEntry')) }),
  FileTypeAcceptance: object({
    file_type: string,
    changes: count,
    accepted: count,
    accepted_not_reverted: count,
    rejected: count,
    failed: count,
    pending: count,
    applied: count,
    reverted: count,
    lines_added_accepted: count,
    acceptance_rate: ref('Metric'),
    time_to_accept_ms: ref('Metric'),
    time_to_reject_ms: ref('Metric'),
  }),
  AcceptanceAnalysis: object({ since: nullable(instant), total: ref('FileTypeAcceptance'), by_file_type: list(ref('FileTypeAcceptance')) }),
  ErrorPatterns: object({
    period: { enum: ['1h', '24h', '7d', '30d'] },
    scope: string,
    executions: count,
    errors: count,
    tool_error_rate: nullable(ref('Metric')),
    interruption_rate: nullable(ref('Metric')),
    tools: list(object({ tool: string, calls: count, executions: count, failed: count, interrupted: count, denied: count, failure_rate: nullable(number) })),
    error_classes: list(object({ error_class: string, count })),
    hook_errors: count,
  }),
  ConfigUpdate: {
    type: 'object',
    description: 'Settings to save, nested as in config.json: redisUrl, redisPrefix, hook.{redisTimeoutMs,stdinTimeoutMs,maxInputBytes}, api.{port,host,allowedOrigins}, monitors.{transcripts,cursor}',
  },
  Config: object({ effective: { type: 'object' }, file: { type: 'object' }, settable: list(string) }),
  ConfigSaved: object({ saved: { type: 'object' }, restart_required: { type: 'boolean' }, overridden_by_environment: list(string) }, ['overridden_by_environment']),
};
