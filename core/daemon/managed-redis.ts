// The Redis the daemon starts itself when none answers: a private redis-server on 127.0.0.1
// (the configured port when it is free, else any free port), data and append-only file under
// <home>/redis, detached in its own session so it outlives the daemon (events waiting in its
// streams survive a daemon restart). It is recorded in <home>/managed-redis.json, so hooks and
// later daemons find it; a later daemon reuses a recorded one that answers.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { ensurePrivateFolder } from '../data-folder.ts';
import { parseRedisUrl } from '../transport/redis-url.ts';
import { probeRedis } from './redis-connection.ts';

export const MANAGED_REDIS_BINARY = 'redis-server';

export interface ManagedRedisRecord {
  url: string;
  pid: number;
  port: number;
  /** Its data folder (AOF, log). */
  dir: string;
  startedAt: string;
}

/** The record, or undefined when there is none or it is unreadable (then it is simply not used). */
export function readManagedRedisRecord(path: string): ManagedRedisRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<ManagedRedisRecord>;
    if (typeof value.url === 'string' && typeof value.pid === 'number' && typeof value.port === 'number' && typeof value.dir === 'string') {
      return { url: value.url, pid: value.pid, port: value.port, dir: value.dir, startedAt: String(value.startedAt ?? '') };
    }
  } catch {
    // Missing or half-written by hand: treat as absent.
  }
  return undefined;
}

/** Written to a temp file and renamed, so a hook reading it never sees half a record. 0600: the URL may carry a password. */
export function writeManagedRedisRecord(path: string, record: ManagedRedisRecord): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** The first executable redis-server on PATH, or undefined. */
export function findRedisServer(pathVariable: string | undefined): string | undefined {
  for (const folder of (pathVariable ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, MANAGED_REDIS_BINARY);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The port to prefer: the configured URL's, when it points at this machine over TCP, so hooks
 * that read the configured URL reach the managed Redis even before they know about the record.
 */
export function preferredPort(configuredUrl: string): number | undefined {
  const parsed = parseRedisUrl(configuredUrl);
  if (!parsed.ok || parsed.endpoint.kind !== 'tcp' || !LOOPBACK_HOSTS.has(parsed.endpoint.host)) return undefined;
  return parsed.endpoint.port;
}

export interface StartManagedRedisOptions {
  redisServer: string;
  /** Folder for its data, AOF and log (created 0700). */
  dir: string;
  configuredUrl: string;
  /** How long to wait for it to answer. */
  readyTimeoutMs?: number;
  /** Only the configured URL's port will do (a restart: clients already use that URL). */
  samePortOnly?: boolean;
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no redis log)';
  }
}

export async function startManagedRedis(options: StartManagedRedisOptions): Promise<Omit<ManagedRedisRecord, 'startedAt'>> {
  const dir = ensurePrivateFolder(options.dir);
  const logFile = join(dir, 'redis.log');
  const configured = parseRedisUrl(options.configuredUrl);
  // A password in the configured URL is required by the managed server too, so hooks using
  // that URL authenticate successfully; a database index is kept in the URL as is.
  const auth = configured.ok && configured.endpoint.auth?.username === '' ? configured.endpoint.auth : undefined;
  const db = configured.ok ? configured.endpoint.db : 0;
  const wanted = preferredPort(options.configuredUrl);
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    // Another process can take a port between this check and redis-server's bind: then retry.
    const wantedFree = attempt === 0 && wanted !== undefined && (await canListen(wanted));
    if (options.samePortOnly && !wantedFree) throw new Error(`port ${wanted ?? '(none)'} is not free`);
    const port = wantedFree ? wanted! : await anyFreePort();
    const args = [
      '--bind', '127.0.0.1',
      '--port', String(port),
      '--dir', dir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      // One persistence mechanism (the AOF); no RDB snapshots next to it.
      '--save', '',
      '--daemonize', 'no',
      '--logfile', logFile,
    ];
    // detached: its own session and process group, so neither a Ctrl+C in the terminal that ran
    // `blueplane start` nor the daemon's exit reaches it. It logs to logFile. A password goes in
    // through stdin (`redis-server -` reads config lines there), never on the command line
    // where any user's `ps` would show it.
    const child = spawn(options.redisServer, auth ? ['-', ...args] : args, { cwd: dir, detached: true, stdio: [auth ? 'pipe' : 'ignore', 'ignore', 'ignore'] });
    if (auth) child.stdin!.end(`requirepass ${JSON.stringify(auth.password)}\n`);
    child.unref();
    const spawnError = new Promise<string>((resolve) => child.once('error', (error) => resolve(error.message)));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)));
    const credentials = auth ? `:${encodeURIComponent(auth.password)}@` : '';
    const url = `redis://${credentials}127.0.0.1:${port}${db ? `/${db}` : ''}`;
    const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
    let outcome: string | undefined;
    while (outcome === undefined) {
      const probe = await probeRedis(url, 500);
      if (probe.reachable && child.pid !== undefined) return { url, pid: child.pid, port, dir };
      outcome = await Promise.race([spawnError, exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50))]);
      if (outcome === undefined && Date.now() > deadline) {
        child.kill('SIGKILL');
        outcome = `did not answer within ${options.readyTimeoutMs ?? 10_000} ms`;
      }
    }
    lastError = `redis-server ${outcome}; its log says:\n${tail(logFile, 5)}`;
    if (!/address already in use/i.test(tail(logFile, 5))) break;
  }
  throw new Error(`could not start a managed Redis: ${lastError}`);
}
