// `blueplane metrics`: without an action, the live numbers of a period (metrics-read.ts);
// `blueplane metrics rebuild [--json]` recomputes every live metric from raw_traces (SQLite, the
// truth) and replaces the metrics in Redis. A running daemon does the rebuild itself (its workers'
// memory must match what Redis holds); without one the CLI does it against the configured Redis or
// the one the daemon manages.
import { loadConfig } from '../config.ts';
import { requestDaemon, ControlUnavailableError } from '../daemon/control-client.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import { redisKeys } from '../redis-keys.ts';
import { MetricsRedisWriter } from '../slow-path/metrics-redis.ts';
import { buildMetricsState, priceLookup, type RebuildReport } from '../slow-path/metrics-rebuild.ts';
import { SessionSource } from '../slow-path/session-source.ts';
import { parseArgs } from './args.ts';
import { findRedis } from './find-redis.ts';
import { metricsRequest, showMetrics } from './metrics-read.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';
import { NoDatabaseError, openDatabaseReadOnly } from '../storage/read-only-database.ts';

export const help = `Usage: blueplane metrics [--period 1h|24h|7d|30d] [--platform claude_code|cursor]
                         [--project HASH] [--by platform|project] [--json]
       blueplane metrics rebuild [--json]

Shows the live metrics of a period (default the last 24 h) from Redis: sessions, prompts, tool
calls and errors, error and interruption rates, acceptance rate, time to accept (p50), lines
added and removed, tokens in, out, cache read and cache write, the estimated cost and active
time, each next to the same number over the period before and the change; then a chart of
events and tool calls over the period. Metrics a platform cannot supply read "n/a" with the
reason. Needs Redis (the daemon keeps the metrics there); \`blueplane sessions\` and
\`blueplane analyze\` read the database instead.

Options:
  --period P       1h, 24h (default), 7d or 30d, ending now
  --platform P     only claude_code or only cursor sessions
  --project HASH   one project (its hash, as \`blueplane sessions --json\` shows it)
  --by K           one view per platform or per project (the chart shows all sessions)
  --json           print one JSON object:
                     {"period": "30d", "scope": "all",      ("by": "platform" with --by)
                      "generated_at": "<ISO time>",
                      "views": [PeriodView, ...],          (one; with --by, one per scope)
                      "series": {"scope", "resolution", "bucket_ms", "fields",
                                 "points": [{"start", "events", "prompts", "tool_calls",
                                             "tool_errors", "edits", "lines_added",
                                             "lines_removed", "tokens"}, ...]}}
                   PeriodView: {"period", "scope", "sessions",
                                "metrics": {...} or null (nothing happened in the period),
                                "previous": {...} or null (the period before; none for 30d),
                                "cursor_line_acceptance": {...} or null}
                   Token totals: .views[0].metrics.tokens.total, either
                     {"status": "ok", "value": {"input", "output", "cache_read", "cache_write"}}
                   or {"status": "unavailable", "reason", "detail"}; the estimated cost is
                   .views[0].metrics.tokens.cost.value.usd, per model .views[0].metrics.tokens.per_model.
                   Every rate is a fraction in 0..1 in the same {"status", "value"} form.
  -h, --help       show this help

rebuild recomputes every metric (sessions active in the last 30 days, period views per project
and platform, time series) from the stored events and replaces the live copy in Redis. The live
path and a rebuild give the same values: use it after restoring a database or changing
prices.json. With --json it prints what was rebuilt.

Exit codes: 0 shown or rebuilt (also a period without activity), 1 no Redis or no database,
2 bad command line.
`;

const COMMAND_LINE = 'blueplane metrics';
const REBUILD_TIMEOUT_MS = 10 * 60_000;

async function rebuildWithoutDaemon(context: CliContext): Promise<RebuildReport | string> {
  const config = loadConfig(context.env);
  const found = await findRedis(config);
  if (!('url' in found)) return `no Redis answers at ${found.unreachable.join(' or ')}: start the daemon (\`blueplane start --detach\`), which starts its own Redis when redis-server is installed`;
  const { url } = found;
  let db;
  try {
    db = openDatabaseReadOnly(config.home);
  } catch (error) {
    if (error instanceof NoDatabaseError) return error.message;
    throw error;
  }
  const redis = connectRedis(url, { maxRetriesPerRequest: 2, connectionName: 'blueplane-metrics-rebuild' });
  try {
    const started = performance.now();
    const now = Date.now();
    const state = await buildMetricsState(new SessionSource(db), priceLookup(config.home), now);
    await new MetricsRedisWriter(redis, redisKeys(config.redisPrefix)).writeAll(state, now);
    return { sessions: state.sessions.size, scopes: state.series.size, ms: Math.round(performance.now() - started) };
  } finally {
    redis.disconnect();
    db.close();
  }
}

async function rebuild(json: boolean, context: CliContext): Promise<number> {
  const config = loadConfig(context.env);
  let outcome: RebuildReport | string;
  let by = 'daemon';
  try {
    const response = await requestDaemon(daemonPaths(config.home).socket, { type: 'metrics_rebuild' }, REBUILD_TIMEOUT_MS);
    if (response.type === 'metrics_rebuilt') outcome = response.report ?? 'the daemon runs without Redis (spool-only mode), so there are no live metrics to rebuild; `blueplane status` says how to get Redis';
    else outcome = response.type === 'error' ? response.message : `unexpected answer '${response.type}' from the daemon`;
  } catch (error) {
    if (!(error instanceof ControlUnavailableError) || error.reason !== 'not_listening') throw error;
    by = 'cli';
    outcome = await rebuildWithoutDaemon(context);
  }
  if (typeof outcome === 'string') {
    context.stderr(`blueplane metrics rebuild: ${outcome}\n`);
    return EXIT_FAILURE;
  }
  context.stdout(json ? `${JSON.stringify({ rebuilt_by: by, ...outcome })}\n` : `Rebuilt the metrics of ${outcome.sessions} sessions (${outcome.scopes} scopes) in ${outcome.ms} ms${by === 'daemon' ? ' (by the running daemon)' : ''}.\n`);
  return EXIT_OK;
}

const READING_OPTIONS = ['period', 'platform', 'project', 'by'];

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json', 'help'], strings: READING_OPTIONS, aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  const [action, extra] = parsed.positionals;
  if (action === undefined) return showMetrics(metricsRequest(parsed, COMMAND_LINE), parsed.booleans.has('json'), context, COMMAND_LINE);
  if (action !== 'rebuild') throw new UsageError(`unknown action '${action}': \`blueplane metrics\` shows them, \`blueplane metrics rebuild\` recomputes them; run \`${COMMAND_LINE} --help\``);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'; run \`${COMMAND_LINE} --help\``);
  const reading = READING_OPTIONS.find((option) => parsed.strings.has(option));
  if (reading !== undefined) throw new UsageError(`--${reading} is for showing the metrics; \`${COMMAND_LINE} rebuild\` takes only --json; run \`${COMMAND_LINE} --help\``);
  return rebuild(parsed.booleans.has('json'), context);
}
