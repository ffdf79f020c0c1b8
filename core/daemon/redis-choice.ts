// Which Redis the daemon uses, decided once at start:
//   1. the configured URL, when something answers there;
//   2. else a managed Redis recorded by an earlier daemon, when it still answers;
//   3. else a new managed Redis, when redis-server is on PATH;
//   4. else none: spool-only mode (hooks spool, the daemon stores from the spool).
import type { Log } from '../log.ts';
import { errorFields } from './daemon-log.ts';
import { findRedisServer, readManagedRedisRecord, startManagedRedis, writeManagedRedisRecord } from './managed-redis.ts';
import { probeRedis, redactRedisUrl } from './redis-connection.ts';

export type RedisChoice =
  | { kind: 'redis'; url: string; managed: boolean; managedPid: number | null; startedNow: boolean }
  | { kind: 'none'; configuredUrl: string; reason: string; redisServerOnPath: boolean };

export interface ChooseRedisOptions {
  configuredUrl: string;
  recordPath: string;
  redisFolder: string;
  pathVariable: string | undefined;
  log: Log;
  probeTimeoutMs?: number;
}

export async function chooseRedis(options: ChooseRedisOptions): Promise<RedisChoice> {
  const timeout = options.probeTimeoutMs ?? 1000;
  const { log } = options;
  const record = readManagedRedisRecord(options.recordPath);
  const configured = await probeRedis(options.configuredUrl, timeout);
  if (configured.reachable) {
    const managed = record?.url === options.configuredUrl;
    return { kind: 'redis', url: options.configuredUrl, managed, managedPid: managed ? (configured.processId ?? record.pid) : null, startedNow: false };
  }
  log.info('redis_not_answering', { url: redactRedisUrl(options.configuredUrl), reason: configured.error });
  if (record && record.url !== options.configuredUrl) {
    const recorded = await probeRedis(record.url, timeout);
    if (recorded.reachable) {
      log.info('managed_redis_reused', { url: redactRedisUrl(record.url), pid: recorded.processId ?? record.pid });
      return { kind: 'redis', url: record.url, managed: true, managedPid: recorded.processId ?? record.pid, startedNow: false };
    }
    log.info('managed_redis_gone', { url: redactRedisUrl(record.url), pid: record.pid, reason: recorded.error });
  }
  const redisServer = findRedisServer(options.pathVariable);
  if (!redisServer) {
    return { kind: 'none', configuredUrl: options.configuredUrl, reason: `no Redis answers at ${redactRedisUrl(options.configuredUrl)} (${configured.error}) and redis-server is not on PATH`, redisServerOnPath: false };
  }
  try {
    const started = await startManagedRedis({ redisServer, dir: options.redisFolder, configuredUrl: options.configuredUrl });
    writeManagedRedisRecord(options.recordPath, { ...started, startedAt: new Date().toISOString() });
    log.info('managed_redis_started', { url: redactRedisUrl(started.url), pid: started.pid, port: started.port, binary: redisServer });
    return { kind: 'redis', url: started.url, managed: true, managedPid: started.pid, startedNow: true };
  } catch (error) {
    log.error('managed_redis_failed', errorFields(error));
    return { kind: 'none', configuredUrl: options.configuredUrl, reason: (error as Error).message, redisServerOnPath: true };
  }
}
