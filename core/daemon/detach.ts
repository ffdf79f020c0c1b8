// `blueplane start --detach`: runs `blueplane start --quiet` as a detached child (own session, no
// terminal, stdout/stderr appended to the daemon log) and waits until it answers on its control
// socket as running, or exits, or the deadline passes.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateFolder } from '../data-folder.ts';
import { queryDaemonStatus } from './control-client.ts';
import type { DaemonPaths } from './daemon-paths.ts';

export interface DetachOptions {
  paths: DaemonPaths;
  /** Runtime and CLI script to run (`<execPath> <flags> <cliScript> start --quiet`). */
  execPath: string;
  cliScript: string;
  env: Record<string, string | undefined>;
  readyTimeoutMs: number;
}

export type DetachOutcome =
  | { kind: 'ready'; pid: number; readyMs: number }
  /** The child found another daemon and exited 0. */
  | { kind: 'already_running'; pid: number | null }
  | { kind: 'failed'; reason: string; pid: number | null };

const POLL_MS = 50;

/**
 * Runtime flags of a daemon process: a small young generation. The daemon allocates many
 * short-lived objects (decoded events, batches); with Node's default semi-spaces its peak RSS in a
 * 20k-event flood was ~350 MB, with 2 MB ones ~170 MB (test/bench/slow-path.mjs; ingest.mjs shows
 * the same for the fast path alone), for a few µs more GC per event. V8 reads it only at start-up,
 * so it has to be on the command line (setFlagsFromString later changes nothing: measured).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

export async function startDetached(options: DetachOptions): Promise<DetachOutcome> {
  const { paths } = options;
  ensurePrivateFolder(dirname(paths.log));
  const logFd = openSync(paths.log, 'a', 0o600);
  const started = Date.now();
  let child;
  try {
    // cwd is the data folder, not wherever the user ran the command: a long-lived process must
    // not keep some project folder (or mount point) busy.
    child = spawn(options.execPath, [...DAEMON_NODE_FLAGS, options.cliScript, 'start', '--quiet'], {
      cwd: paths.home,
      env: options.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  child.unref();
  let exit: string | undefined;
  let exitCode: number | null = null;
  child.once('error', (error) => (exit = `could not run ${options.execPath}: ${error.message}`));
  child.once('exit', (code, signal) => {
    exitCode = code;
    exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
  });
  const pid = child.pid ?? null;

  while (Date.now() - started < options.readyTimeoutMs) {
    const status = await queryDaemonStatus(paths.socket, 1000);
    if (status && pid !== null && status.pid === pid && status.state === 'running') return { kind: 'ready', pid, readyMs: Date.now() - started };
    if (exit !== undefined) {
      if (exitCode === 0) return { kind: 'already_running', pid: (status ?? (await queryDaemonStatus(paths.socket, 2000)))?.pid ?? null };
      const why = lastLoggedError(paths.log, started);
      return { kind: 'failed', reason: `the daemon ${exit} before it was ready${why ? `: ${why}` : ''}`, pid: null };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { kind: 'failed', reason: `the daemon was not ready within ${Math.round(options.readyTimeoutMs / 1000)} s (it may still be starting: see \`blueplane status\`)`, pid };
}

/** The last lines of the daemon log, to show why a start failed. */
export function logTail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(the log is empty)';
  }
}

/** The message of the last error this start logged (after `since`), if any. */
function lastLoggedError(path: string, since: number): string | undefined {
  const lines = logTail(path, 50).split('\n').reverse();
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { level?: string; time?: string; error_message?: string };
      if (entry.level === 'error' && entry.error_message && Date.parse(entry.time ?? '') >= since - 1000) return entry.error_message;
    } catch {
      // Not one of our lines (the runtime's own output): skip it.
    }
  }
  return undefined;
}
