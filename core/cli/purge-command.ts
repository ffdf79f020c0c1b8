// `blueplane purge [--yes] [--json]`: deletes everything Blueplane stored for this data folder:
// every row of the database (then VACUUM, so the bytes leave the file), this install's metrics
// keys and stream entries in Redis (prefix-scoped: SCAN + UNLINK and XTRIM, never FLUSHALL), and
// the spooled events not yet read. A running daemon is stopped first (it holds the only write
// connection and the metrics in memory) and started again after, with nothing to remember.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config.ts';
import { spoolFolder } from '../data-folder.ts';
import { queryDaemonStatus } from '../daemon/control-client.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import { redisKeys } from '../redis-keys.ts';
import { MetricsRedisWriter } from '../slow-path/metrics-redis.ts';
import { purgeDatabase, type PurgedRows } from '../storage/purge-store.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';
import { findRedis } from './find-redis.ts';

export const help = `Usage: blueplane purge [--yes] [--json]

Deletes everything Blueplane stored for this data folder: every event, session, conversation,
metric and insight in the database (then VACUUM, so the bytes are gone from the file), this
install's metrics and stream entries in Redis (only keys with this install's prefix), and spooled
events not yet read. The secret, the settings and the hooks stay installed; transcripts already
read are not read again. A running daemon is stopped first and started again after.

Asks for confirmation on a terminal; elsewhere (scripts) it refuses unless --yes is given.

Options:
  --yes       do not ask
  --json      print what was deleted as JSON
  -h, --help  show this help

Exit codes: 0 purged, 1 not confirmed or a step failed (the message says which), 2 bad command line.
`;

const COMMAND_LINE = 'blueplane purge';

interface PurgeReport {
  database: PurgedRows | null;
  redis: { url: string; metrics_keys: number; stream_entries: number } | { unreachable: string[] };
  spool_files: number;
  daemon: 'restarted' | 'was_not_running';
}

async function confirmed(home: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Delete everything Blueplane stored in ${home} (events, sessions, metrics, insights)? This cannot be undone. [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

async function purgeRedis(url: string, prefix: string): Promise<{ metricsKeys: number; streamEntries: number }> {
  const redis = connectRedis(url, { maxRetriesPerRequest: 1, connectionName: 'blueplane-purge' });
  try {
    const keys = redisKeys(prefix);
    const metricsKeys = await new MetricsRedisWriter(redis, keys).clear();
    let streamEntries = 0;
    // Entries only: the consumer groups stay, so a daemon reading them goes on where it was.
    for (const stream of [keys.events, keys.cdc, keys.deadLetters]) streamEntries += Number(await redis.xtrim(stream, 'MAXLEN', 0));
    return { metricsKeys, streamEntries };
  } finally {
    redis.disconnect();
  }
}

function purgeSpool(home: string): number {
  const folder = spoolFolder(home);
  let files: string[];
  try {
    files = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const file of files) rmSync(join(folder, file), { recursive: true, force: true });
  return files.length;
}

const silent = (context: CliContext): CliContext => ({ ...context, stdout: () => {} });

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['yes', 'json', 'help'], strings: [], aliases: { h: 'help', y: 'yes' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run \`${COMMAND_LINE} --help\``);
  const config = loadConfig(context.env);
  if (!parsed.booleans.has('yes') && !(await confirmed(config.home))) {
    context.stderr(`${COMMAND_LINE}: nothing deleted; ${process.stdin.isTTY ? 'not confirmed' : 'not on a terminal: run it with --yes to purge without asking'}\n`);
    return EXIT_FAILURE;
  }
  const running = (await queryDaemonStatus(daemonPaths(config.home).socket, 2000)) !== undefined;
  if (running) {
    const stop = await import('./stop-command.ts');
    if ((await stop.run([], silent(context))) !== EXIT_OK) {
      context.stderr(`${COMMAND_LINE}: nothing deleted: the daemon did not stop (see above)\n`);
      return EXIT_FAILURE;
    }
  }
  const found = await findRedis(config);
  let redis: PurgeReport['redis'];
  if ('url' in found) {
    const { metricsKeys, streamEntries } = await purgeRedis(found.url, config.redisPrefix);
    redis = { url: found.url, metrics_keys: metricsKeys, stream_entries: streamEntries };
  } else {
    redis = found;
  }
  const report: PurgeReport = { database: purgeDatabase(config.home) ?? null, redis, spool_files: purgeSpool(config.home), daemon: running ? 'restarted' : 'was_not_running' };
  if (running) {
    const start = await import('./start-command.ts');
    if ((await start.run(['--detach', '--quiet'], silent(context))) !== EXIT_OK) {
      context.stderr(`${COMMAND_LINE}: purged, but the daemon did not start again: run \`blueplane start --detach\`\n`);
      report.daemon = 'was_not_running';
    }
  }
  if (parsed.booleans.has('json')) {
    context.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const rows = report.database ? Object.entries(report.database).map(([table, count]) => `${table} ${count}`).join(', ') : 'no database yet';
    const redisLine = 'url' in report.redis ? `${report.redis.metrics_keys} metrics keys, ${report.redis.stream_entries} stream entries` : `not reachable (${report.redis.unreachable.join(', ')}); the daemon rewrites its metrics from the emptied database when it starts`;
    context.stdout(`Purged ${config.home}\n  database  ${rows}\n  redis     ${redisLine}\n  spool     ${report.spool_files} files\n  daemon    ${report.daemon === 'restarted' ? 'started again' : 'not running'}\n`);
  }
  return EXIT_OK;
}
