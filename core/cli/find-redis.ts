// Which Redis holds the live metrics, for the CLI commands that read or rebuild them: the
// configured URL, else the private one the daemon started (its record in the data folder). Probed
// with a short deadline first, so a missing Redis is an answer in a second, not a hang.
import type { BlueplaneConfig } from '../config.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { readManagedRedisRecord } from '../daemon/managed-redis.ts';
import { probeRedis, redactRedisUrl } from '../daemon/redis-connection.ts';

const PROBE_TIMEOUT_MS = 1000;

export type FoundRedis = { url: string } | { unreachable: string[] };

export async function findRedis(config: BlueplaneConfig): Promise<FoundRedis> {
  const record = readManagedRedisRecord(daemonPaths(config.home).managedRedisRecord);
  const candidates = [config.redisUrl, ...(record && record.url !== config.redisUrl ? [record.url] : [])];
  for (const candidate of candidates) if ((await probeRedis(candidate, PROBE_TIMEOUT_MS)).reachable) return { url: candidate };
  return { unreachable: candidates.map(redactRedisUrl) };
}
