// `blueplane status` when no daemon answers: everything that can be read without it. Redis
// directly (the configured URL, else the recorded managed one), the database read-only, the
// spool folder; and whether a process holds the lock without answering.
import type { BlueplaneConfig } from '../config.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import { PRODUCT_VERSION } from '../version.ts';
import type { DaemonStatus, RedisStatus } from './control-protocol.ts';
import { isDaemonLockHeld } from './daemon-lock.ts';
import { daemonPaths } from './daemon-paths.ts';
import { NO_REDIS_COUNTERS, REDIS_INSTALL_HELP, databaseSizeBytes, readRedisCounters, readSpoolBacklog } from './daemon-status.ts';
import type { RedisCounters } from './daemon-status.ts';
import { readPidFile } from './daemon.ts';
import { telemetryDatabasePath } from './ingest-pipeline.ts';
import { isProcessAlive } from './process-liveness.ts';
import { findRedisServer, readManagedRedisRecord } from './managed-redis.ts';
import { describeRedisError, probeRedis, redactRedisUrl } from './redis-connection.ts';
import { SqliteDatabase } from './sqlite-binding.ts';

const TIMEOUT_MS = 1000;

/** Rows in raw_traces, read-only and without waiting on a writer; null when there is no database (yet). */
export function readStoredEventCount(path: string): number | null {
  let db: SqliteDatabase;
  try {
    db = new SqliteDatabase(path, { readonly: true, fileMustExist: true, timeout: TIMEOUT_MS });
  } catch {
    return null;
  }
  try {
    const row = db.prepare('SELECT count(*) AS count FROM raw_traces').get() as { count: number };
    return row.count;
  } catch {
    return null;
  } finally {
    db.close();
  }
}

async function counters(url: string, prefix: string): Promise<RedisCounters> {
  const client = connectRedis(url, { connectTimeout: TIMEOUT_MS, commandTimeout: TIMEOUT_MS, retryStrategy: () => null, maxRetriesPerRequest: 0, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    return await readRedisCounters(client, prefix, TIMEOUT_MS);
  } finally {
    client.disconnect();
  }
}

export async function readOfflineStatus(config: BlueplaneConfig, env: Record<string, string | undefined>): Promise<DaemonStatus> {
  const paths = daemonPaths(config.home);
  const problems: string[] = [];
  const record = readManagedRedisRecord(paths.managedRedisRecord);

  let url = config.redisUrl;
  let probe = await probeRedis(url, TIMEOUT_MS);
  if (!probe.reachable && record && record.url !== url) {
    const recorded = await probeRedis(record.url, TIMEOUT_MS);
    if (recorded.reachable) {
      url = record.url;
      probe = recorded;
    }
  }
  const managed = record?.url === url;
  let redisCounters = NO_REDIS_COUNTERS;
  let error = probe.reachable ? null : probe.error;
  if (probe.reachable) {
    try {
      redisCounters = await counters(url, config.redisPrefix);
    } catch (readError) {
      error = describeRedisError(readError);
    }
  }
  const redis: RedisStatus = { url: redactRedisUrl(url), reachable: error === null, managed, managedPid: managed && record ? record.pid : null, error };

  const pidFile = readPidFile(paths.pidFile);
  const lockHeld = isDaemonLockHeld(paths.lock);
  const holder = lockHeld && pidFile && isProcessAlive(pidFile.pid) ? pidFile.pid : null;
  if (lockHeld) {
    problems.push(
      `A daemon${holder ? ` (pid ${holder})` : ''} holds the lock but does not answer on ${paths.socket}. \`blueplane stop\` asks it to stop${holder ? `; if it will not, \`kill ${holder}\`` : ''}.`,
    );
  } else {
    problems.push('The daemon is not running: start it with `blueplane start --detach`. Events wait in Redis and the spool until it runs.');
  }
  if (error !== null) {
    if (findRedisServer(env.PATH)) problems.push(`No Redis answers at ${redactRedisUrl(config.redisUrl)} (${error}); the daemon will start a private one (redis-server is on PATH).`);
    else problems.push(`No Redis answers at ${redactRedisUrl(config.redisUrl)} (${error}) and redis-server is not on PATH. ${REDIS_INSTALL_HELP}`);
  }

  const databasePath = telemetryDatabasePath(config.home);
  return {
    pid: holder,
    state: lockHeld ? 'not_responding' : 'not_running',
    version: PRODUCT_VERSION,
    home: config.home,
    startedAt: holder && pidFile ? pidFile.startedAt : null,
    uptimeSeconds: null,
    socket: paths.socket,
    log: paths.log,
    mode: null,
    redis,
    ...redisCounters,
    eventsStored: readStoredEventCount(databasePath),
    spoolBacklog: await readSpoolBacklog(config.home),
    database: { path: databasePath, sizeBytes: databaseSizeBytes(databasePath) },
    ingest: null,
    slowPath: null,
    api: null,
    problems,
  };
}
