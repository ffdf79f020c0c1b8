// `blueplane metrics rebuild [--json]`: recompute every live metric from raw_traces (SQLite, the
// truth) and replace the metrics in Redis. A running daemon does it itself (its workers' memory
// must match what Redis holds); without one the CLI does it against the configured Redis or the
// one the daemon manages.
import { loadConfig } from '../config.ts';
import { requestDaemon, ControlUnavailableError } from '../daemon/control-client.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { readManagedRedisRecord } from '../daemon/managed-redis.ts';
import { probeRedis, redactRedisUrl } from '../daemon/redis-connection.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import { redisKeys } from '../redis-keys.ts';
import { MetricsRedisWriter } from '../slow-path/metrics-redis.ts';
import { buildMetricsState, priceLookup, type RebuildReport } from '../slow-path/metrics-rebuild.ts';
import { SessionSource } from '../slow-path/session-source.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';
import { NoDatabaseError, openDatabaseReadOnly } from '../storage/read-only-database.ts';

export const help = `Usage: blueplane metrics rebuild [--json]

Recomputes every metric (sessions active in the last 30 days, period views per project and
platform, time series) from the stored events and replaces the live copy in Redis. The live path
and a rebuild give the same values: use it after restoring a database or changing prices.json.

Options:
  --json      print what was rebuilt as JSON
  -h, --help  show this help

Exit codes: 0 rebuilt, 1 no database or no Redis, 2 bad command line.
`;

const COMMAND_LINE = 'blueplane metrics';
const REBUILD_TIMEOUT_MS = 10 * 60_000;

async function rebuildWithoutDaemon(context: CliContext): Promise<RebuildReport | string> {
  const config = loadConfig(context.env);
  const record = readManagedRedisRecord(daemonPaths(config.home).managedRedisRecord);
  const candidates = [config.redisUrl, ...(record ? [record.url] : [])];
  let url: string | undefined;
  for (const candidate of candidates) if (!url && (await probeRedis(candidate, 1000)).reachable) url = candidate;
  if (!url) return `no Redis answers at ${candidates.map(redactRedisUrl).join(' or ')}: start the daemon (\`blueplane start --detach\`), which starts its own Redis when redis-server is installed`;
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

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json', 'help'], strings: [], aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  const [action, extra] = parsed.positionals;
  if (action !== 'rebuild') throw new UsageError(`${action === undefined ? 'name what to do' : `unknown action '${action}'`}: \`blueplane metrics rebuild\`; run \`${COMMAND_LINE} --help\``);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'; run \`${COMMAND_LINE} --help\``);
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
  context.stdout(parsed.booleans.has('json') ? `${JSON.stringify({ rebuilt_by: by, ...outcome })}\n` : `Rebuilt the metrics of ${outcome.sessions} sessions (${outcome.scopes} scopes) in ${outcome.ms} ms${by === 'daemon' ? ' (by the running daemon)' : ''}.\n`);
  return EXIT_OK;
}
