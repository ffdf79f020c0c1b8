// `blueplane metrics [--period] [--platform|--project|--by] [--json]`: the live period views and
// time series the metrics workers keep in Redis, read through Layer 3's MetricsQuery. Without a
// Redis answering this is an environment problem (exit 1) that names the fix; the SQLite-backed
// commands (sessions, analyze, insights) work without it.
import { loadConfig } from '../config.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import { PERIODS, type Period } from '../metrics/aggregate-metrics.ts';
import { MetricsQuery, type PeriodView, type ScopeKind } from '../query/metrics-query.ts';
import { redisKeys } from '../redis-keys.ts';
import type { ParsedArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';
import { findRedis } from './find-redis.ts';
import { CHART_PLANS, chartStart, formatMetricsReport } from './metrics-report.ts';
import { choiceOption, wordOption } from './option-values.ts';

const PERIOD_NAMES = Object.keys(PERIODS) as Period[];
const SCOPE_KINDS: readonly ScopeKind[] = ['platform', 'project'];
const READ_TIMEOUT_MS = 10_000;

export interface MetricsRequest {
  period: Period;
  /** `all`, `platform:<name>` or `project:<hash>`; with `by`, the scope of the chart. */
  scope: string;
  by?: ScopeKind;
}

/** The options of a reading `blueplane metrics`; --platform, --project and --by exclude each other (a view has one scope). */
export function metricsRequest(parsed: ParsedArgs, commandLine: string): MetricsRequest {
  const period = choiceOption(parsed, 'period', PERIOD_NAMES, commandLine) ?? '24h';
  const platform = choiceOption(parsed, 'platform', ['claude_code', 'cursor'], commandLine);
  const project = wordOption(parsed, 'project', commandLine);
  const by = choiceOption(parsed, 'by', SCOPE_KINDS, commandLine);
  const given = [platform && '--platform', project && '--project', by && '--by'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} exclude each other (each view has one scope); run \`${commandLine} --help\``);
  const scope = platform ? `platform:${platform}` : project ? `project:${project}` : 'all';
  return by ? { period, scope, by } : { period, scope };
}

export async function showMetrics(request: MetricsRequest, json: boolean, context: CliContext, commandLine: string): Promise<number> {
  const config = loadConfig(context.env);
  const found = await findRedis(config);
  if (!('url' in found)) {
    context.stderr(
      `${commandLine}: the live metrics are in Redis, and no Redis answers at ${found.unreachable.join(' or ')}. ` +
        '`blueplane status` says what is running; `blueplane start --detach` starts the daemon (and its own Redis when redis-server is installed). ' +
        '`blueplane sessions`, `analyze` and `insights` read the database and work without Redis.\n',
    );
    return EXIT_FAILURE;
  }
  const redis = connectRedis(found.url, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: READ_TIMEOUT_MS, connectionName: 'blueplane-cli-metrics' });
  redis.on('error', () => {
    // Reported by the failing command below.
  });
  try {
    const query = new MetricsQuery(redis, redisKeys(config.redisPrefix));
    const now = Date.now();
    const plan = CHART_PLANS[request.period];
    const chartScope = request.by ? 'all' : request.scope;
    const [views, series] = await Promise.all([
      request.by ? query.periodsBy(request.period, request.by) : query.period(request.period, request.scope).then((view): PeriodView[] => [view]),
      query.series(chartScope, plan.resolution, chartStart(plan, now)),
    ]);
    if (json) {
      const head = request.by ? { by: request.by } : { scope: request.scope };
      context.stdout(`${JSON.stringify({ period: request.period, ...head, generated_at: new Date(now).toISOString(), views, series }, null, 2)}\n`);
    } else {
      context.stdout(formatMetricsReport(views, series, request.period, now));
    }
    return EXIT_OK;
  } catch (error) {
    context.stderr(`${commandLine}: reading the live metrics from Redis failed (${(error as Error).message}); \`blueplane status\` says whether Redis and the daemon are healthy\n`);
    return EXIT_FAILURE;
  } finally {
    redis.disconnect();
  }
}
