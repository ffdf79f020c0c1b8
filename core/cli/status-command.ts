// `blueplane status [--json]`: the running daemon's own report, or, when none answers, what can
// be read without it (Redis, the database read-only, the spool).
import { loadConfig } from '../config.ts';
import { queryDaemonStatus } from '../daemon/control-client.ts';
import type { DaemonStatus } from '../daemon/control-protocol.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { formatBytes, formatDuration } from '../daemon/daemon-status.ts';
import { readOfflineStatus } from '../daemon/offline-status.ts';
import { parseArgs } from './args.ts';
import { EXIT_OK, UsageError, type CliContext } from './context.ts';

export const help = `Usage: blueplane status [--json]

Shows the Blueplane daemon of this data folder ($BLUEPLANE_HOME, default ~/.blueplane): pid and
uptime, Redis (URL, reachable, managed by Blueplane or not), stream lengths, pending entries, dead
letters, events stored, spool backlog and database size, and anything that needs fixing. Works
when the daemon is not running too: it then reads Redis, the database and the spool directly.

Options:
  --json      print one JSON object (top-level "pid" is null when no daemon runs)
  -h, --help  show this help

Exit codes: 0 reported (running or not), 2 bad command line.
`;

const COMMAND_LINE = 'blueplane status';
/** A daemon deep in a large batch still answers well within this. */
const STATUS_TIMEOUT_MS = 3000;

const STATE_WORDS: Record<DaemonStatus['state'], string> = {
  starting: 'starting',
  running: 'running',
  stopping: 'stopping',
  not_responding: 'not responding',
  not_running: 'not running',
};

function count(value: number | null, unit = ''): string {
  return value === null ? 'unknown' : `${value}${unit}`;
}

export function formatStatus(status: DaemonStatus): string {
  const head = [`Blueplane daemon: ${STATE_WORDS[status.state]}`];
  if (status.pid !== null) head.push(`pid ${status.pid}`);
  if (status.uptimeSeconds !== null) head.push(`up ${formatDuration(status.uptimeSeconds)}`);
  const redis = status.redis;
  const redisWords = [redis.reachable ? 'reachable' : `not reachable${redis.error ? ` (${redis.error})` : ''}`];
  if (redis.managed) redisWords.push(`managed by Blueplane${redis.managedPid !== null ? `, redis-server pid ${redis.managedPid}` : ''}`);
  const rows: Array<[string, string]> = [
    ['home', status.home],
    ['redis', `${redis.url}: ${redisWords.join(', ')}`],
  ];
  if (status.mode !== null) rows.push(['mode', status.mode === 'redis' ? 'Redis streams and spool' : 'spool only (no Redis: no live metrics)']);
  rows.push(
    ['telemetry:events', `${count(status.streams['telemetry:events'])} entries, ${count(status.pendingEntries)} pending`],
    ['cdc:events', `${count(status.streams['cdc:events'])} entries`],
    ['dead letters', count(status.deadLetters)],
    ['events stored', count(status.eventsStored)],
    ['spool backlog', `${status.spoolBacklog.files} files, ${status.spoolBacklog.lines} events`],
    ['database', `${status.database.path}${status.database.sizeBytes === null ? ' (not created yet)' : `, ${formatBytes(status.database.sizeBytes)}`}`],
    ['log', status.log],
  );
  if (status.api) rows.push(['api', status.api.url ?? `not serving (${status.api.error})`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`${head.join(', ')} (version ${status.version})`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)];
  if (status.problems.length > 0) lines.push('', ...status.problems.map((problem) => `! ${problem}`));
  return `${lines.join('\n')}\n`;
}

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json', 'help'], strings: [], aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run \`${COMMAND_LINE} --help\``);
  const config = loadConfig(context.env);
  const status = (await queryDaemonStatus(daemonPaths(config.home).socket, STATUS_TIMEOUT_MS)) ?? (await readOfflineStatus(config, context.env));
  context.stdout(parsed.booleans.has('json') ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  return EXIT_OK;
}
