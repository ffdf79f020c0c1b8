// Which Node runtime the shims exec. In order: the one asked for (--node, or the VS Code extension
// passing its own Electron); else the Node running this CLI, when it is plain Node; else the first
// `node` on PATH. Inside Electron we do not pick Electron by ourselves: an IDE update moves or
// replaces its binary, while a Node on PATH is usually stable. Whatever is chosen is run once to
// prove it is Node >= 18 (the hook bundles target node18).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { HooksInstallError } from './hooks-install-error.ts';

export interface HookRuntime {
  /** Absolute path of the executable. */
  path: string;
  nodeVersion: string;
  /** An Electron binary, which needs ELECTRON_RUN_AS_NODE=1 to behave as Node. */
  electron: boolean;
}

export const MIN_NODE_MAJOR = 18;

/** Generous: Electron can take seconds to start on a cold disk. */
const PROBE_TIMEOUT_MS = 15_000;

type Env = Record<string, string | undefined>;

export interface ResolveRuntimeOptions {
  /** --node: a path (relative to cwd) or a bare command name looked up on PATH. */
  explicit?: string | undefined;
  env: Env;
  cwd: string;
  /** The running process's executable and versions (process.execPath / process.versions). */
  execPath: string;
  runningElectron: boolean;
}

const HOW_TO_PASS = 'Pass the absolute path of a Node.js >= 18 executable with `--node <path>` (for example `--node "$(command -v node)"`).';

export function resolveHookRuntime(options: ResolveRuntimeOptions): HookRuntime {
  if (options.explicit !== undefined) {
    const explicit = options.explicit.trim();
    if (explicit === '') throw new HooksInstallError(`--node needs a path. ${HOW_TO_PASS}`);
    const path = explicit.includes('/') ? resolve(options.cwd, explicit) : findOnPath(explicit, options.env);
    if (path === undefined) throw new HooksInstallError(`--node ${explicit}: no such command on PATH. ${HOW_TO_PASS}`);
    return probeRuntime(path, `--node ${explicit}`, options.env);
  }
  if (!options.runningElectron) return probeRuntime(options.execPath, 'the Node running this command', options.env);
  const onPath = findOnPath('node', options.env);
  if (onPath === undefined) throw new HooksInstallError(`No \`node\` found on PATH to run the hooks. ${HOW_TO_PASS}`);
  return probeRuntime(onPath, '`node` on PATH', options.env);
}

/** The first executable file called `name` in PATH, as an absolute path (symlinks kept: they survive upgrades). */
export function findOnPath(name: string, env: Env): string | undefined {
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (folder === '' || !isAbsolute(folder)) continue;
    const candidate = join(folder, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}

const PROBE_SCRIPT = 'JSON.stringify([process.versions.node, process.versions.electron || null])';

/** Runs the candidate once, the way the shim will (CA certificates unset, ELECTRON_RUN_AS_NODE set). */
export function probeRuntime(path: string, described: string, env: Env): HookRuntime {
  const absolute = resolve(path);
  const named = described.endsWith(absolute) ? described : `${described} (${absolute})`;
  const fail = (why: string): never => {
    throw new HooksInstallError(`Cannot use ${named} as the hook runtime: ${why}. ${HOW_TO_PASS}`);
  };
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // Reported below.
  }
  if (!isFile) fail('no such file');
  const probeEnv: Env = { ...env, ELECTRON_RUN_AS_NODE: '1' };
  delete probeEnv.NODE_EXTRA_CA_CERTS;
  const result = spawnSync(absolute, ['-p', PROBE_SCRIPT], {
    env: probeEnv,
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) fail(`it did not run (${result.error.message})`);
  if (result.status !== 0) fail(`it exited with ${result.status ?? result.signal} instead of printing its Node version`);
  let versions: unknown;
  try {
    versions = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    versions = undefined;
  }
  if (!Array.isArray(versions) || typeof versions[0] !== 'string') return fail('it is not Node.js (it did not answer `-p process.versions`)');
  const nodeVersion = versions[0];
  const major = Number.parseInt(nodeVersion, 10);
  if (!(major >= MIN_NODE_MAJOR)) fail(`it is Node ${nodeVersion}, and the hooks need Node >= ${MIN_NODE_MAJOR}`);
  return { path: absolute, nodeVersion, electron: typeof versions[1] === 'string' };
}
