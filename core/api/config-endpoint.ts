// GET and POST /config: the settings a client may read and change through the API. Only settings
// without paths are served or accepted (the Redis URL with its password masked, the key prefix,
// the hooks' limits, the API's port, host and origins, the monitors' switches): where the
// monitors look stays in config.json, edited by its owner, so no answer ever carries a path.
// A POST validates every key, merges into config.json (written atomically, 0600) and says that a
// restart applies it; an environment variable that overrides a key is named in the answer.
import { configFilePath, readConfigFile, type BlueplaneConfig } from '../config.ts';
import { redactRedisUrl } from '../daemon/redis-connection.ts';
import { writeFileAtomic } from '../hooks-install/atomic-file.ts';
import { badRequest } from './api-error.ts';
import type { ApiSettings } from './api-settings.ts';

type Check = (value: unknown) => string | undefined;

const positiveInteger = (maximum: number): Check => (value) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= maximum ? undefined : `a whole number from 1 to ${maximum}`;
const text = (pattern: RegExp, what: string): Check => (value) => (typeof value === 'string' && pattern.test(value) ? undefined : what);
const flag: Check = (value) => (typeof value === 'boolean' ? undefined : 'true or false');

/** Settable keys (dotted paths into config.json), each with its check and the variable that overrides it. */
const SETTABLE: Readonly<Record<string, { check: Check; env?: string }>> = {
  redisUrl: { check: text(/^rediss?:\/\/[^\s]{1,500}$|^unix:\/\/[^\s]{1,500}$/, 'a redis://, rediss:// or unix:// URL'), env: 'BLUEPLANE_REDIS_URL' },
  redisPrefix: { check: text(/^[A-Za-z0-9:_.-]{0,64}$/, 'up to 64 letters, digits or : _ . -'), env: 'BLUEPLANE_REDIS_PREFIX' },
  'hook.redisTimeoutMs': { check: positiveInteger(10_000) },
  'hook.stdinTimeoutMs': { check: positiveInteger(60_000) },
  'hook.maxInputBytes': { check: positiveInteger(256 * 1024 * 1024) },
  'api.port': { check: (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535 ? undefined : 'a port from 0 to 65535'), env: 'BLUEPLANE_API_PORT' },
  'api.host': { check: text(/^[A-Za-z0-9.:-]{1,253}$/, 'a host name or IP address') },
  'api.allowedOrigins': {
    check: (value) => (Array.isArray(value) && value.length <= 20 && value.every((origin) => typeof origin === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^\s/]{1,253}$/i.test(origin)) ? undefined : 'a list of up to 20 origins such as http://localhost:3000'),
  },
  'monitors.transcripts': { check: flag },
  'monitors.cursor': { check: flag },
};

export const SETTABLE_KEYS = Object.keys(SETTABLE);

function valueAt(object: Record<string, unknown>, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split('.')) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
  return current;
}

function setAt(object: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = object;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    current = (current[part] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {}) as Record<string, unknown>;
  }
  current[parts.at(-1)!] = value;
}

/** The served view of a config.json: its settable keys only, the Redis password masked. */
function servedFile(file: Record<string, unknown>): Record<string, unknown> {
  const served: Record<string, unknown> = {};
  for (const key of SETTABLE_KEYS) {
    const value = valueAt(file, key);
    if (value !== undefined) setAt(served, key, key === 'redisUrl' && typeof value === 'string' ? redactRedisUrl(value) : value);
  }
  return served;
}

export function configAnswer(config: BlueplaneConfig, api: ApiSettings): { effective: Record<string, unknown>; file: Record<string, unknown>; settable: string[] } {
  const file = readConfigFile(config.home, () => {});
  return {
    effective: {
      redisUrl: redactRedisUrl(config.redisUrl),
      redisPrefix: config.redisPrefix,
      hook: { ...config.hook },
      api: { host: api.host, port: api.port, allowedOrigins: api.allowedOrigins },
      monitors: { transcripts: valueAt(file, 'monitors.transcripts') !== false, cursor: valueAt(file, 'monitors.cursor') !== false },
    },
    file: servedFile(file),
    settable: SETTABLE_KEYS,
  };
}

/** Flattens `{ hook: { redisTimeoutMs: 50 } }` to `hook.redisTimeoutMs`, refusing what is not settable. */
function changesOf(body: unknown): Array<[string, unknown]> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a JSON object of settings, e.g. {"hook": {"redisTimeoutMs": 50}}');
  const changes: Array<[string, unknown]> = [];
  const walk = (value: Record<string, unknown>, prefix: string): void => {
    for (const [name, inner] of Object.entries(value)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (Object.hasOwn(SETTABLE, key)) changes.push([key, inner]);
      else if (inner && typeof inner === 'object' && !Array.isArray(inner) && SETTABLE_KEYS.some((settable) => settable.startsWith(`${key}.`))) walk(inner as Record<string, unknown>, key);
      else throw badRequest(`${key} cannot be set through the API; settable: ${SETTABLE_KEYS.join(', ')}`);
    }
  };
  walk(body as Record<string, unknown>, '');
  if (changes.length === 0) throw badRequest(`nothing to save; settable: ${SETTABLE_KEYS.join(', ')}`);
  return changes;
}

export function saveConfig(home: string, env: Record<string, string | undefined>, body: unknown): { saved: Record<string, unknown>; restart_required: boolean; overridden_by_environment?: string[] } {
  const changes = changesOf(body);
  for (const [key, value] of changes) {
    const problem = SETTABLE[key]!.check(value);
    if (problem) throw badRequest(`${key} must be ${problem}`);
  }
  let unreadable: string | undefined;
  const file = readConfigFile(home, (message) => (unreadable = message));
  if (unreadable) throw badRequest(`${unreadable}; fix or remove it before saving settings through the API`);
  const next = { ...file };
  for (const [key, value] of changes) setAt(next, key, value);
  writeFileAtomic(configFilePath(home), `${JSON.stringify(next, null, 2)}\n`, 0o600);
  const overridden = changes.map(([key]) => SETTABLE[key]!.env).filter((name): name is string => name !== undefined && (env[name] ?? '').trim() !== '');
  return { saved: servedFile(next), restart_required: true, ...(overridden.length > 0 ? { overridden_by_environment: overridden } : {}) };
}
