// Runs a built hook (dist/hooks/<name>.js) as a real child process, the way an IDE does: payload on
// stdin, event name as argv[2], a clean environment. Measures wall time from spawn to exit and
// records when stdout/stderr reached EOF, so a test can tell whether anything outlived the hook.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type HookName = 'claude' | 'cursor';

export function builtHookPath(name: HookName): string {
  return join(REPO_ROOT, 'dist', 'hooks', `${name}.js`);
}

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The integration tests run the built bundles. When they are missing or older than the sources
 * (hooks/, core/), run the project's build once; if that fails, say why instead of testing a
 * stale file.
 */
export function ensureBuiltHooks(): void {
  ensureBuilt('hooks', (['claude', 'cursor'] as const).map(builtHookPath));
}

/** The same for one build group (scripts/build.mjs: hooks, cli, extension) and the files it makes. */
export function ensureBuilt(group: string, built: readonly string[]): void {
  const sources = Math.max(newestSource(join(REPO_ROOT, 'hooks')), newestSource(join(REPO_ROOT, 'core')));
  if (built.every((path) => existsSync(path) && statSync(path).mtimeMs >= sources)) return;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), group], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !built.every(existsSync)) {
    throw new Error(`the ${group} bundle is missing or stale and \`npm run build\` failed:\n${result.stdout}${result.stderr}`);
  }
}

/**
 * The `node` a user would get from PATH outside this project (node_modules/.bin puts Node 24
 * first in npm scripts), when it is a different binary from the one running now; else undefined.
 */
export function systemNode(): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder || folder.includes('node_modules')) continue;
    const candidate = join(folder, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate) === realpathSync(process.execPath) ? undefined : candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** process.env without anything that would change how a hook behaves or how fast it starts. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key === 'NODE_EXTRA_CA_CERTS' || key === 'NODE_OPTIONS' || key.startsWith('BLUEPLANE_') || key.startsWith('CURSOR_') || key.startsWith('CLAUDE_')) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface HookRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, ms. */
  wallMs: number;
  /** Exit to the moment stdout and stderr were both closed, ms. */
  stdioClosedAfterExitMs: number;
  /** Error code writing the payload (EPIPE: the hook closed stdin before reading it all). */
  stdinError: string | undefined;
}

export interface RunOptions {
  hook: HookName;
  /** argv[2] onward. */
  args?: string[];
  /** Written to stdin; undefined writes nothing. */
  stdin?: string | Buffer;
  /** Keep stdin open after writing (no EOF), as a misbehaving IDE would. */
  keepStdinOpen?: boolean;
  env: Record<string, string>;
  /** Runtime to use; defaults to the one running the tests. */
  node?: string;
  /** Kill the hook (SIGKILL) if it runs longer; the run then fails. */
  killAfterMs?: number;
  /** Called once the child is spawned (e.g. to send it a signal). */
  onSpawn?: (pid: number) => void;
}

export function runHookProcess(options: RunOptions): Promise<HookRun> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(options.node ?? process.execPath, [builtHookPath(options.hook), ...(options.args ?? [])], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let exitedAt: bigint | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 15_000);
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // Recorded, not thrown: a test decides whether an EPIPE matters.
    let stdinError: string | undefined;
    child.stdin.on('error', (error: NodeJS.ErrnoException) => (stdinError ??= error.code ?? error.message));
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exitedAt = process.hrtime.bigint();
      exit = { code, signal };
      child.stdin.destroy();
    });
    child.on('close', () => {
      clearTimeout(killer);
      const closedAt = process.hrtime.bigint();
      const exited = exitedAt ?? closedAt;
      resolvePromise({
        code: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout,
        stderr,
        wallMs: Number(exited - started) / 1e6,
        stdioClosedAfterExitMs: Number(closedAt - exited) / 1e6,
        stdinError,
      });
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    if (options.stdin !== undefined) child.stdin.write(options.stdin);
    if (!options.keepStdinOpen) child.stdin.end();
  });
}
