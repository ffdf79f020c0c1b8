// `blueplane start [--detach] [--quiet] [--timeout <seconds>]`: the daemon in the foreground, or
// (--detach) in the background, returning once it answers on its control socket.
import { loadConfig } from '../config.ts';
import { queryDaemonStatus } from '../daemon/control-client.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { rotatingFileLog } from '../daemon/daemon-log.ts';
import { logTail, startDetached } from '../daemon/detach.ts';
import { createIngestPipeline } from '../daemon/ingest-pipeline.ts';
import { runDaemon } from '../daemon/run-daemon.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';

export const help = `Usage: blueplane start [--detach] [--quiet] [--timeout <seconds>]

Runs the Blueplane daemon for this data folder ($BLUEPLANE_HOME, default ~/.blueplane): it reads
the events the hooks send to Redis (and the spool), stores them in SQLite, and serves status.
Only one daemon runs per data folder; starting a second one says which pid runs and exits 0.

If nothing answers at the configured Redis URL and redis-server is on PATH, the daemon starts a
private Redis (127.0.0.1, data under $BLUEPLANE_HOME/redis) and records it in
$BLUEPLANE_HOME/managed-redis.json. Without any Redis it stores events from the spool only.

Options:
  --detach             run in the background and return once it is ready (prints its pid)
  --quiet              print nothing (the log, $BLUEPLANE_HOME/logs/daemon.log, has everything)
  --timeout <seconds>  with --detach: how long to wait for it to be ready (default 15)
  -h, --help           show this help

Stop it with \`blueplane stop\` (or Ctrl+C in the foreground). Exit codes: 0 running (or
already running, or stopped cleanly), 1 it could not start (the message and the log say why),
2 bad command line.
`;

const COMMAND_LINE = 'blueplane start';
const DEFAULT_READY_TIMEOUT_S = 15;
/** After a clean stop: exit even if some library left a handle open (the work is done). */
const EXIT_GRACE_MS = 1000;

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['detach', 'quiet', 'help'], strings: ['timeout'], aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run \`${COMMAND_LINE} --help\``);
  const timeoutText = parsed.strings.get('timeout');
  if (timeoutText !== undefined && !parsed.booleans.has('detach')) throw new UsageError(`option '--timeout' applies only with --detach; run \`${COMMAND_LINE} --help\``);
  const timeoutSeconds = timeoutText === undefined ? DEFAULT_READY_TIMEOUT_S : Number(timeoutText);
  if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout needs a number of seconds above 0; run \`${COMMAND_LINE} --help\``);
  const quiet = parsed.booleans.has('quiet');

  const problems: string[] = [];
  const config = loadConfig(context.env, (problem) => problems.push(problem));
  const paths = daemonPaths(config.home);
  for (const problem of problems) context.stderr(`blueplane: ${problem}\n`);

  if (parsed.booleans.has('detach')) {
    const running = await queryDaemonStatus(paths.socket, 1000);
    if (running && running.pid !== null && running.state !== 'stopping') {
      if (!quiet) context.stdout(`Blueplane daemon already running, pid ${running.pid} (home ${config.home})\n`);
      return EXIT_OK;
    }
    const outcome = await startDetached({
      paths,
      execPath: context.execPath,
      // The script this CLI runs from (dist/core/cli.js, or the `blueplane` link to it).
      cliScript: process.argv[1]!,
      env: context.runningElectron ? { ...context.env, ELECTRON_RUN_AS_NODE: '1' } : context.env,
      readyTimeoutMs: timeoutSeconds * 1000,
    });
    switch (outcome.kind) {
      case 'ready':
        if (!quiet) context.stdout(`Blueplane daemon started, pid ${outcome.pid} (ready in ${outcome.readyMs} ms)\nlog: ${paths.log}\n`);
        return EXIT_OK;
      case 'already_running':
        if (!quiet) context.stdout(`Blueplane daemon already running, pid ${outcome.pid ?? 'unknown'} (home ${config.home})\n`);
        return EXIT_OK;
      case 'failed':
        context.stderr(`blueplane: ${outcome.reason}\nlast lines of ${paths.log}:\n${logTail(paths.log, 15)}\n`);
        return EXIT_FAILURE;
    }
  }

  const log = rotatingFileLog(paths.log, { minimum: context.env.BLUEPLANE_DEBUG ? 'debug' : 'info' });
  for (const problem of problems) log.warn('config_problem', { problem });
  const code = await runDaemon({ config, env: context.env, log, createPipeline: createIngestPipeline, ...(quiet ? {} : { print: context.stdout }) });
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
}
