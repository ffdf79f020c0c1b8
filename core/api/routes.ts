// The REST API under /api/v1, as one table: each route's method, path, parameters, answer schema
// and handler. The server validates requests from this table and the OpenAPI document is built
// from it (openapi.ts), so the two cannot disagree. Handlers read processed data only, through
// core/query (ApiData), and throw ApiError for anything a client got wrong.
import { PERIODS, type Period } from '../metrics/aggregate-metrics.ts';
import type { AcceptanceAnalysisQuery } from '../query/acceptance-analysis.ts';
import { errorPatterns } from '../query/error-analysis.ts';
import { INSIGHT_TYPES, type InsightAnswer, type InsightType, type InsightsQuery } from '../query/insights-query.ts';
import type { MetricsQuery } from '../query/metrics-query.ts';
import type { SessionsQuery } from '../query/sessions-query.ts';
import type { ConversationRow } from '../conversations/conversation-rows.ts';
import type { Platform } from '../event/envelope.ts';
import type { InsightScope, Severity } from '../insights/finding.ts';
import { SERIES_RESOLUTIONS, type SeriesResolution } from '../slow-path/metrics-series.ts';
import { badRequest, notFound } from './api-error.ts';
import type { ParamSpec, ParsedParams } from './query-params.ts';

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  uptime_s: number;
  database: 'ok' | 'missing';
  redis: 'connected' | 'unavailable';
}

/** A binary answer (exports): written to the response as it is produced. */
export interface StreamedAnswer {
  kind: 'stream';
  contentType: string;
  fileName: string;
  write(output: NodeJS.WritableStream): Promise<void>;
}

export interface ExportRequest {
  format: 'csv' | 'json' | 'parquet';
  table: string;
  since?: string;
  until?: string;
  anonymize: boolean;
}

/** What the handlers read; each accessor throws an ApiError (503) when its store is not there. */
export interface ApiData {
  sessions(): SessionsQuery;
  acceptance(): AcceptanceAnalysisQuery;
  insights(): InsightsQuery;
  metrics(): MetricsQuery;
  health(): Promise<Health>;
  config(): unknown;
  saveConfig(body: unknown): unknown;
  exportData(request: ExportRequest): StreamedAnswer;
  now(): number;
}

export interface RouteContext {
  query: ParsedParams;
  path: Readonly<Record<string, string>>;
  body: unknown;
  data: ApiData;
}

export interface Route {
  method: 'GET' | 'POST';
  /** OpenAPI form, below /api/v1: `/sessions/{sessionId}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params: readonly ParamSpec[];
  /** Schema of the 200 answer (api-schemas.ts), or `binary` for a streamed file. */
  response: string;
  /** The request body's schema, for routes that take one. */
  body?: string;
  handle(context: RouteContext): unknown;
}

const PERIOD_NAMES = Object.keys(PERIODS) as Period[];
const PLATFORMS = ['claude_code', 'cursor'] as const;
const HASH_PATTERN = '^[A-Za-z0-9_-]{1,128}$';
export const SESSION_NAME_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';

const platformParam: ParamSpec = { name: 'platform', type: 'string', enum: PLATFORMS, description: 'only this IDE: claude_code or cursor' };
const projectParam: ParamSpec = { name: 'project_hash', type: 'string', pattern: HASH_PATTERN, description: "only this project (its keyed hash, as the sessions list shows it)" };
const limitParam = (fallback: number, maximum: number): ParamSpec => ({ name: 'limit', type: 'integer', minimum: 1, maximum, default: fallback, description: `items per page (1-${maximum})` });
const offsetParam: ParamSpec = { name: 'offset', type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0, description: 'items to skip' };
const periodParam = (fallback: Period): ParamSpec => ({ name: 'period', type: 'string', enum: PERIOD_NAMES, default: fallback, description: 'the window ending now: 1h, 24h, 7d or 30d' });

/** `all`, `platform:<name>` or `project:<hash>` from the platform and project_hash parameters. */
function scopeOf(query: ParsedParams): string {
  if (query.platform !== undefined && query.project_hash !== undefined) throw badRequest('give platform or project_hash, not both: views are kept per platform and per project');
  if (query.platform !== undefined) return `platform:${String(query.platform)}`;
  if (query.project_hash !== undefined) return `project:${String(query.project_hash)}`;
  return 'all';
}

function sessionNamed(data: ApiData, name: string): ConversationRow {
  const match = data.sessions().find(name);
  if (match.kind === 'none') throw notFound(`no session ${name}: list them with GET /api/v1/sessions`);
  if (match.kind === 'ambiguous') throw badRequest(`${name} names ${match.ids.length} sessions (${match.ids.join(', ')}); give more of the id`);
  return match.session;
}

function sessionInsights(data: ApiData, session: ConversationRow): InsightAnswer[] {
  return data.insights().list({ session, limit: 100, offset: 0 }).insights;
}

function sinceFor(data: ApiData, window: string | undefined): string | undefined {
  return window === undefined || window === 'all' ? undefined : new Date(data.now() - PERIODS[window as Period]).toISOString();
}

function resolutionFor(period: Period): SeriesResolution['name'] {
  return ({ '1h': '1s', '24h': '1m', '7d': '5m', '30d': '1h' } as const)[period];
}

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Whether the daemon can answer: database and Redis',
    tag: 'System',
    params: [],
    response: 'Health',
    handle: ({ data }) => data.health(),
  },
  {
    method: 'GET',
    path: '/metrics/current',
    operationId: 'getCurrentMetrics',
    summary: "The live numbers of the session with the latest activity (the status bar's)",
    tag: 'Metrics',
    params: [],
    response: 'CurrentMetrics',
    handle: async ({ data }) => ({ session: await data.metrics().current() }),
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Every metric over a period, for all sessions, a platform or a project, or grouped by platform or project; or one session whole',
    tag: 'Metrics',
    params: [
      { ...periodParam('24h'), default: undefined, description: 'the window ending now: 1h, 24h (default), 7d or 30d; not with session_id' },
      platformParam,
      projectParam,
      { name: 'group_by', type: 'string', enum: ['platform', 'project'], description: 'one view per platform or per project with activity in the period' },
      { name: 'session_id', type: 'string', pattern: SESSION_NAME_PATTERN, description: "one session's whole metrics (its UUID or the IDE's id, or the start of either)" },
    ],
    response: 'MetricsResponse',
    handle: async ({ query, data }) => {
      if (query.session_id !== undefined) {
        if (query.period !== undefined || query.group_by !== undefined || query.platform !== undefined || query.project_hash !== undefined) {
          throw badRequest('session_id gives one whole session: it takes no period, group_by, platform or project_hash');
        }
        const session = sessionNamed(data, String(query.session_id));
        const metrics = data.sessions().metrics(session.id);
        if (!metrics) throw notFound(`session ${session.id} has no metrics stored yet; try again in a moment`);
        return { period: null, group_by: null, views: [{ period: null, scope: `session:${session.id}`, sessions: 1, metrics, previous: null, cursor_line_acceptance: null }] };
      }
      const period = (query.period ?? '24h') as Period;
      if (query.group_by !== undefined) {
        if (query.platform !== undefined || query.project_hash !== undefined) throw badRequest('group_by covers every platform or project: leave out platform and project_hash');
        return { period, group_by: query.group_by, views: await data.metrics().periodsBy(period, query.group_by as 'platform' | 'project') };
      }
      return { period, group_by: null, views: [await data.metrics().period(period, scopeOf(query))] };
    },
  },
  {
    method: 'GET',
    path: '/metrics/series',
    operationId: 'getMetricsSeries',
    summary: 'Counters per time bucket (events, prompts, tool calls and errors, edits, lines, tokens) for charts',
    tag: 'Metrics',
    params: [periodParam('24h'), platformParam, projectParam],
    response: 'Series',
    handle: ({ query, data }) => {
      const period = query.period as Period;
      const resolution = resolutionFor(period);
      if (!SERIES_RESOLUTIONS.some((spec) => spec.name === resolution)) throw badRequest(`no series at ${resolution}`);
      return data.metrics().series(scopeOf(query), resolution, data.now() - PERIODS[period]);
    },
  },
  {
    method: 'GET',
    path: '/sessions',
    operationId: 'listSessions',
    summary: 'Sessions by latest activity, one page at a time',
    tag: 'Sessions',
    params: [
      limitParam(20, 500),
      offsetParam,
      platformParam,
      projectParam,
      { name: 'min_acceptance', type: 'number', minimum: 0, maximum: 1, description: 'only sessions with an acceptance rate of at least this (0-1)' },
      { name: 'since', type: 'string', format: 'date-time', description: 'last activity at or after this date or date-time' },
      { name: 'until', type: 'string', format: 'date-time', description: 'last activity before this date or date-time' },
    ],
    response: 'SessionList',
    handle: ({ query, data }) =>
      data.sessions().list(
        {
          platform: query.platform as Platform | undefined,
          projectHash: query.project_hash as string | undefined,
          minAcceptance: query.min_acceptance as number | undefined,
          since: query.since as string | undefined,
          until: query.until as string | undefined,
        },
        { limit: query.limit as number, offset: query.offset as number },
      ),
  },
  {
    method: 'GET',
    path: '/sessions/{sessionId}',
    operationId: 'getSession',
    summary: "One session's totals, its live numbers while it is tracked, and its open insights",
    tag: 'Sessions',
    params: [],
    response: 'SessionDetail',
    handle: async ({ path, data }) => {
      const session = sessionNamed(data, path.sessionId!);
      return { session, live: await data.metrics().session(session.id).catch(() => null), insights: sessionInsights(data, session) };
    },
  },
  {
    method: 'GET',
    path: '/sessions/{sessionId}/timeline',
    operationId: 'getSessionTimeline',
    summary: "A session's turns and code changes in time order",
    tag: 'Sessions',
    params: [limitParam(100, 1000), offsetParam],
    response: 'Timeline',
    handle: ({ path, query, data }) => data.sessions().timeline(sessionNamed(data, path.sessionId!).id, { limit: query.limit as number, offset: query.offset as number }),
  },
  {
    method: 'GET',
    path: '/sessions/{sessionId}/analysis',
    operationId: 'getSessionAnalysis',
    summary: 'Every metric of one session (tools and latency percentiles, acceptance and its timing, tokens and cost, lines) with its insights',
    tag: 'Sessions',
    params: [],
    response: 'SessionAnalysis',
    handle: ({ path, data }) => {
      const session = sessionNamed(data, path.sessionId!);
      const metrics = data.sessions().metrics(session.id);
      if (!metrics) throw notFound(`session ${session.id} has no metrics stored yet; try again in a moment`);
      return { session, metrics, insights: sessionInsights(data, session) };
    },
  },
  {
    method: 'GET',
    path: '/analysis/acceptance',
    operationId: 'getAcceptanceAnalysis',
    summary: "What happened to the assistant's code changes, per file type",
    tag: 'Analysis',
    params: [
      { name: 'file_type', type: 'string', pattern: '^\\.?[A-Za-z0-9_+-]{1,20}$|^\\(none\\)$', description: 'one file extension (ts or .ts), or (none)' },
      { name: 'timeframe', type: 'string', enum: [...PERIOD_NAMES, 'all'], default: 'all', description: 'changes made in the last 1h, 24h, 7d, 30d, or all' },
      platformParam,
    ],
    response: 'AcceptanceAnalysis',
    handle: ({ query, data }) =>
      data.acceptance().analyze({ fileType: query.file_type as string | undefined, since: sinceFor(data, query.timeframe as string), platform: query.platform as string | undefined }),
  },
  {
    method: 'GET',
    path: '/analysis/errors',
    operationId: 'getErrorPatterns',
    summary: 'Which tools fail, how often and how, over a period',
    tag: 'Analysis',
    params: [periodParam('7d'), { name: 'min_frequency', type: 'integer', minimum: 1, maximum: 1_000_000, default: 1, description: 'leave out tools and error classes seen fewer times' }, platformParam, projectParam],
    response: 'ErrorPatterns',
    handle: ({ query, data }) => errorPatterns(data.metrics(), query.period as Period, scopeOf(query), query.min_frequency as number),
  },
  {
    method: 'GET',
    path: '/insights',
    operationId: 'listInsights',
    summary: 'Findings of the rules (a tool failing above its usual rate, acceptance falling, slow tools, …), newest first',
    tag: 'Insights',
    params: [
      { name: 'type', type: 'string', enum: Object.keys(INSIGHT_TYPES), description: 'productivity, errors or patterns' },
      { name: 'session_id', type: 'string', pattern: SESSION_NAME_PATTERN, description: "findings about one session (its UUID or the IDE's id)" },
      { name: 'scope', type: 'string', enum: ['session', 'project', 'platform', 'all'], description: 'findings about sessions, projects, platforms or everything' },
      { name: 'severity', type: 'string', enum: ['info', 'warning', 'critical'], description: 'only this severity' },
      { name: 'include_resolved', type: 'boolean', default: false, description: 'also findings that no longer hold' },
      limitParam(50, 500),
      offsetParam,
    ],
    response: 'InsightsResponse',
    handle: ({ query, data }) =>
      data.insights().list({
        type: query.type as InsightType | undefined,
        session: query.session_id === undefined ? undefined : sessionNamed(data, String(query.session_id)),
        scope: query.scope as InsightScope | undefined,
        severity: query.severity as Severity | undefined,
        includeResolved: query.include_resolved === true,
        limit: query.limit as number,
        offset: query.offset as number,
      }),
  },
  {
    method: 'GET',
    path: '/export',
    operationId: 'exportData',
    summary: 'Sessions, turns, code changes or insights as CSV, JSON or Parquet (processed data only, never raw events)',
    tag: 'Export',
    params: [
      { name: 'format', type: 'string', enum: ['csv', 'json', 'parquet'], required: true, description: 'csv, json (every table in one document) or parquet' },
      { name: 'table', type: 'string', enum: ['sessions', 'turns', 'changes', 'insights'], default: 'sessions', description: 'for csv and parquet: which table' },
      { name: 'start_date', type: 'string', format: 'date-time', description: 'sessions active at or after this date or date-time' },
      { name: 'end_date', type: 'string', format: 'date-time', description: 'sessions active before this date or date-time' },
      { name: 'anonymize', type: 'boolean', default: false, description: 'replace every identifier with one that no other export shares' },
    ],
    response: 'binary',
    handle: ({ query, data }) =>
      data.exportData({
        format: query.format as ExportRequest['format'],
        table: query.table as string,
        since: query.start_date as string | undefined,
        until: query.end_date as string | undefined,
        anonymize: query.anonymize === true,
      }),
  },
  {
    method: 'GET',
    path: '/config',
    operationId: 'getConfig',
    summary: 'The settings in effect and those saved in config.json (no paths, the Redis password masked)',
    tag: 'Config',
    params: [],
    response: 'Config',
    handle: ({ data }) => data.config(),
  },
  {
    method: 'POST',
    path: '/config',
    operationId: 'saveConfig',
    summary: 'Save settings to config.json; the daemon applies them at its next start',
    tag: 'Config',
    params: [],
    body: 'ConfigUpdate',
    response: 'ConfigSaved',
    handle: ({ body, data }) => data.saveConfig(body),
  },
];
