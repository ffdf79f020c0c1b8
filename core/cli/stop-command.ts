// `blueplane stop [--timeout <seconds>]`: asks the daemon to stop gracefully (commit and
// acknowledge what is in flight) and waits until its process is gone.
import { loadConfig } from '../config.ts';
import { ControlUnavailableError, requestDaemon } from '../daemon/control-client.ts';
import { isDaemonLockHeld } from '../daemon/daemon-lock.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { readPidFile } from '../daemon/daemon.ts';
import { isProcessAlive } from '../daemon/process-liveness.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';

export const help = `Usage: blueplane stop [--timeout <seconds>]

Stops the Blueplane daemon of this data folder ($BLUEPLANE_HOME, default ~/.blueplane): it stops
reading, commits and acknowledges the batch in flight, and exits. Waits until the process is gone.
A managed Redis (started by the daemon) keeps running, so events keep arriving while the daemon
is stopped; the next daemon reads them.

Options:
  --timeout <seconds>  how long to wait for the daemon to exit (default 30)
  -h, --help           show this help

Exit codes: 0 stopped, or was not running; 1 it did not stop in time (the message says what to
do); 2 bad command line.
`;

const COMMAND_LINE = 'blueplane stop';
const DEFAULT_TIMEOUT_S = 30;
const POLL_MS = 50;

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['help'], strings: ['timeout'], aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run \`${COMMAND_LINE} --help\``);
  const timeoutText = parsed.strings.get('timeout');
  const timeoutSeconds = timeoutText === undefined ? DEFAULT_TIMEOUT_S : Number(timeoutText);
  if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout needs a number of seconds above 0; run \`${COMMAND_LINE} --help\``);

  const config = loadConfig(context.env);
  const paths = daemonPaths(config.home);
  const started = Date.now();
  let pid: number;
  let how: string;
  try {
    const response = await requestDaemon(paths.socket, { type: 'stop' }, 5000);
    if (response.type !== 'stopping') {
      context.stderr(`blueplane: the daemon refused to stop: ${response.type === 'error' ? response.message : response.type}\n`);
      return EXIT_FAILURE;
    }
    pid = response.pid;
    how = 'asked it to stop';
  } catch (error) {
    if (!(error instanceof ControlUnavailableError)) throw error;
    // No answer on the socket. Only the lock says whether a daemon is alive (a pid file can be
    // left behind by a crash, and its pid reused by an unrelated process).
    if (!isDaemonLockHeld(paths.lock)) {
      context.stdout(`Blueplane daemon is not running (home ${config.home})\n`);
      return EXIT_OK;
    }
    const recorded = readPidFile(paths.pidFile);
    if (!recorded || !isProcessAlive(recorded.pid)) {
      context.stderr(`blueplane: a process holds ${paths.lock} but its pid is unknown (no ${paths.pidFile}); find it with \`fuser ${paths.lock}\`\n`);
      return EXIT_FAILURE;
    }
    pid = recorded.pid;
    process.kill(pid, 'SIGTERM');
    how = `it did not answer on ${paths.socket}; sent SIGTERM`;
  }
  if (await waitUntilGone(pid, timeoutSeconds * 1000)) {
    context.stdout(`Blueplane daemon stopped, pid ${pid} (${how}; took ${Date.now() - started} ms)\n`);
    return EXIT_OK;
  }
  context.stderr(
    `blueplane: the daemon (pid ${pid}) is still running after ${timeoutSeconds} s (${how}). It may be finishing a large batch: ` +
      `wait and run \`${COMMAND_LINE}\` again, or end it with \`kill -9 ${pid}\` (nothing it acknowledged is lost; the rest is read again on the next start).\n`,
  );
  return EXIT_FAILURE;
}
