// Configuration, read the same way by every component (hooks, daemon, CLI, extension):
// environment variables first, then BLUEPLANE_HOME/config.json, then defaults.
// Kept free of heavy imports: the hooks load it on every event.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HookLimits {
  /** Deadline for connecting to Redis and getting the XADD reply; past it the event is spooled. */
  redisTimeoutMs: number;
  /** Deadline for reading stdin; the hook never waits longer for EOF. */
  stdinTimeoutMs: number;
  /** Largest stdin the hook parses; larger input is drained, discarded and recorded as a hook_error. */
  maxInputBytes: number;
}

export interface BlueplaneConfig {
  /** Data folder: database, spool, secrets, hook copies. */
  home: string;
  redisUrl: string;
  /** Prefix put before every Redis key, so several installs (and tests) never collide. */
  redisPrefix: string;
  hook: HookLimits;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const DEFAULT_HOOK_LIMITS: HookLimits = {
  redisTimeoutMs: 80,
  stdinTimeoutMs: 1500,
  maxInputBytes: 16 * 1024 * 1024,
};

type Env = Record<string, string | undefined>;

export function resolveHome(env: Env = process.env): string {
  const fromEnv = env.BLUEPLANE_HOME?.trim();
  return fromEnv ? resolve(fromEnv) : join(env.HOME?.trim() || homedir(), '.blueplane');
}

export function configFilePath(home: string): string {
  return join(home, 'config.json');
}

/** Reads config.json if present. A missing file is normal; an unreadable or invalid one is reported through onProblem. */
export function readConfigFile(home: string, onProblem: (message: string) => void): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(configFilePath(home), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onProblem(`cannot read ${configFilePath(home)}: ${(error as Error).message}`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    onProblem(`${configFilePath(home)} must hold a JSON object; it is ignored`);
  } catch (error) {
    onProblem(`${configFilePath(home)} is not valid JSON (${(error as Error).message}); it is ignored`);
  }
  return {};
}

function stringSetting(envValue: string | undefined, fileValue: unknown, fallback: string): string {
  if (envValue !== undefined && envValue.trim() !== '') return envValue.trim();
  if (typeof fileValue === 'string' && fileValue.trim() !== '') return fileValue.trim();
  return fallback;
}

function positiveNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function loadConfig(env: Env = process.env, onProblem: (message: string) => void = () => {}): BlueplaneConfig {
  const home = resolveHome(env);
  const file = readConfigFile(home, onProblem);
  const hookFile = (file.hook && typeof file.hook === 'object' ? file.hook : {}) as Record<string, unknown>;
  return {
    home,
    redisUrl: stringSetting(env.BLUEPLANE_REDIS_URL, file.redisUrl, DEFAULT_REDIS_URL),
    redisPrefix: env.BLUEPLANE_REDIS_PREFIX ?? (typeof file.redisPrefix === 'string' ? file.redisPrefix : ''),
    hook: {
      redisTimeoutMs: positiveNumber(hookFile.redisTimeoutMs, DEFAULT_HOOK_LIMITS.redisTimeoutMs),
      stdinTimeoutMs: positiveNumber(hookFile.stdinTimeoutMs, DEFAULT_HOOK_LIMITS.stdinTimeoutMs),
      maxInputBytes: positiveNumber(hookFile.maxInputBytes, DEFAULT_HOOK_LIMITS.maxInputBytes),
    },
  };
}
