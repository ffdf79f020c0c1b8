// The figures of `blueplane status` that both the running daemon and the CLI without a daemon
// read the same way (the spool backlog, sizes), the stream counters read straight from Redis
// when no daemon runs, and how they are printed.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { spoolFolder } from '../data-folder.ts';
import { PROCESSORS_GROUP } from '../fast-path/ingest-service.ts';
import { redisKeys } from '../redis-keys.ts';
import { DRAINING_SUFFIX } from '../spool/spool-drain.ts';
import { SPOOL_FILE_PATTERN } from '../spool/spool-writer.ts';
import type { SpoolBacklog, StreamLengths } from './control-protocol.ts';
import { withTimeout } from './redis-connection.ts';

export const REDIS_INSTALL_HELP =
  'Live metrics need Redis. Install it (`sudo apt-get install redis-server`): a running daemon finds it within seconds. ' +
  'Or set BLUEPLANE_REDIS_URL to a running Redis and restart the daemon (`blueplane stop && blueplane start --detach`). ' +
  'Until then the hooks spool events and the daemon stores them from the spool.';

export interface RedisCounters {
  streams: StreamLengths;
  pendingEntries: number | null;
  deadLetters: number | null;
}

export const NO_REDIS_COUNTERS: RedisCounters = {
  streams: { 'telemetry:events': null, 'cdc:events': null, 'telemetry:dlq': null },
  pendingEntries: null,
  deadLetters: null,
};

/** Stream lengths and the processors group's pending count, in one round trip. */
export async function readRedisCounters(client: Redis, prefix: string, timeoutMs: number): Promise<RedisCounters> {
  const keys = redisKeys(prefix);
  const replies = await withTimeout(
    client.pipeline().xlen(keys.events).xlen(keys.cdc).xlen(keys.deadLetters).xpending(keys.events, PROCESSORS_GROUP).exec(),
    timeoutMs,
    'reading stream lengths',
  );
  const value = (index: number): unknown => {
    const reply = replies?.[index];
    return reply && !reply[0] ? reply[1] : undefined;
  };
  const count = (index: number): number | null => {
    const result = value(index);
    return typeof result === 'number' ? result : null;
  };
  // XPENDING's summary form starts with the count; NOGROUP (no daemon has read yet) means none.
  const pendingReply = replies?.[3];
  const pending = pendingReply && !pendingReply[0] ? Number((pendingReply[1] as unknown[])[0] ?? 0) : /NOGROUP/.test(String(pendingReply?.[0])) ? 0 : null;
  const deadLetters = count(2);
  return { streams: { 'telemetry:events': count(0), 'cdc:events': count(1), 'telemetry:dlq': deadLetters }, pendingEntries: pending, deadLetters };
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    for (let index = buffer.indexOf(10); index >= 0; index = buffer.indexOf(10, index + 1)) lines++;
  }
  return lines;
}

/**
 * Spool files and the events in them (one per line): live files and the ones the drain has
 * renamed and is replaying, whose events are not all in the database yet.
 */
export async function readSpoolBacklog(home: string): Promise<SpoolBacklog> {
  const folder = spoolFolder(home);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return { files: 0, lines: 0 };
  }
  let files = 0;
  let lines = 0;
  for (const name of names) {
    if (!SPOOL_FILE_PATTERN.test(name) && !name.endsWith(DRAINING_SUFFIX)) continue;
    const path = join(folder, name);
    try {
      if (!statSync(path).isFile()) continue;
      lines += await countLines(path);
      files++;
    } catch {
      // Deleted by the drain while we looked: no longer backlog.
    }
  }
  return { files, lines };
}

/** Size of the database with its WAL, or null when there is no database yet. */
export function databaseSizeBytes(path: string): number | null {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return null;
  }
  try {
    size += statSync(`${path}-wal`).size;
  } catch {
    // No WAL right now.
  }
  return size;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days) parts.push(`${days}d`);
  if (hours) parts.push(`${hours}h`);
  if (minutes && !days) parts.push(`${minutes}m`);
  if (!days && !hours) parts.push(`${Math.floor(seconds % 60)}s`);
  return parts.join(' ');
}
