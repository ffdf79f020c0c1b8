// Runs the daemon as this process: signals, uncaught errors, and the exit code. `blueplane start`
// (foreground, or the child of `start --detach`) calls this and nothing else.
import type { BlueplaneConfig } from '../config.ts';
import type { Log } from '../log.ts';
import { Daemon } from './daemon.ts';
import { errorFields } from './daemon-log.ts';
import type { PipelineFactory } from './ingest-pipeline.ts';

export interface RunDaemonOptions {
  config: BlueplaneConfig;
  env: Record<string, string | undefined>;
  log: Log;
  createPipeline: PipelineFactory;
  /** Where to tell a person what happened (nothing is printed when undefined: the log has it all). */
  print?: (text: string) => void;
}

/** SIGHUP too: a foreground daemon whose terminal closes stops cleanly instead of dying mid-batch. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Resolves with the exit code once the daemon has stopped (or found another one running). */
export async function runDaemon(options: RunDaemonOptions): Promise<number> {
  const { log, print } = options;
  const daemon = new Daemon(options);

  let signalled = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled++;
    if (signalled === 1) {
      log.info('stop_requested', { via: signal });
      daemon.requestStop(signal);
      return;
    }
    // A second signal means "now": nothing acknowledged is lost (acks follow commits), and the
    // kernel releases the lock. Entries in flight are redelivered to the next daemon.
    log.warn('forced_exit', { via: signal });
    process.exit(1);
  };
  // An error thrown by one event or one callback must not take the daemon down: log it (without
  // its data, see errorFields) and keep serving. State that matters is in SQLite and Redis,
  // both transactional, so a failed callback leaves nothing half-written to trip over.
  const onUncaught = (error: unknown): void => log.error('uncaught_exception', errorFields(error));
  const onRejection = (reason: unknown): void => log.error('unhandled_rejection', errorFields(reason));
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);

  try {
    let outcome;
    try {
      outcome = await daemon.start();
    } catch (error) {
      log.error('daemon_start_failed', errorFields(error));
      print?.(`blueplane: the daemon could not start: ${(error as Error).message}\nlog: ${daemon.paths.log}\n`);
      await daemon.close();
      return 1;
    }
    if (outcome.kind === 'already_running') {
      print?.(`Blueplane daemon already running, pid ${outcome.pid ?? 'unknown'} (home ${daemon.paths.home})\n`);
      return 0;
    }
    print?.(`Blueplane daemon running, pid ${process.pid} (home ${daemon.paths.home})\nlog: ${daemon.paths.log}\nstop it with \`blueplane stop\` or Ctrl+C\n`);
    const reason = await daemon.stopRequested;
    await daemon.close();
    print?.(`Blueplane daemon stopped (${reason})\n`);
    return 0;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
  }
}
