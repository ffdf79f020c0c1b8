// Runs the built CLI (dist/core/cli.js) as a real process for the daemon tests: `start`, `stop`,
// `status`, a foreground daemon to race or kill, and clean-up that ends exactly the processes a
// test started (daemons by their pid files, managed Redis by its record).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonStatus } from '../../core/daemon/control-protocol.ts';
import { REPO_ROOT, cleanEnv, ensureBuilt, ensureBuiltHooks } from './hook-process.ts';

export const CLI_PATH = join(REPO_ROOT, 'dist', 'core', 'cli.js');

/** The hooks and the CLI bundle (which runs the daemon), rebuilt when older than the sources. */
export function ensureBuiltCli(): void {
  ensureBuiltHooks();
  ensureBuilt('cli', [CLI_PATH]);
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The daemon's environment for a test: its own data folder, Redis and prefix, and monitors pointed
 * inside the data folder (folders that do not exist unless the test makes them), never at this
 * machine's real ~/.claude or Cursor folders.
 */
export function daemonEnv(home: string, redisUrl: string, prefix: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({
    BLUEPLANE_HOME: home,
    BLUEPLANE_REDIS_URL: redisUrl,
    BLUEPLANE_REDIS_PREFIX: prefix,
    BLUEPLANE_CLAUDE_PROJECTS: join(home, 'claude-projects'),
    BLUEPLANE_CURSOR_USER_DIRS: join(home, 'cursor-user'),
    // Any free port: test daemons never take the user's 7531 or each other's.
    BLUEPLANE_API_PORT: '0',
    ...extra,
  });
}

export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export async function statusJson(env: Record<string, string>): Promise<DaemonStatus> {
  const run = await runCli(['status', '--json'], env);
  if (run.code !== 0) throw new Error(`status exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as DaemonStatus;
}

/** A foreground `blueplane start` as a child of the test, stdout and stderr collected. */
export interface ForegroundDaemon {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startForeground(env: Record<string, string>): ForegroundDaemon {
  const child = spawn(process.execPath, [CLI_PATH, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** SIGKILLs a process if it is still there (only pids this test started). */
export function killIfAlive(pid: number | null | undefined): void {
  if (!pid || !isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/** Ends what a test left running in `home`: the daemon of its pid file and the managed Redis of its record. */
export function killLeftovers(home: string): void {
  killIfAlive(readJson<{ pid: number }>(join(home, 'daemon.pid'))?.pid);
  if (existsSync(join(home, 'managed-redis.json'))) killIfAlive(readJson<{ pid: number }>(join(home, 'managed-redis.json'))?.pid);
}
