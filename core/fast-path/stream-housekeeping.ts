// Keeping the fast path's Redis streams small without losing anything: trim a stream only behind
// what every consumer group of it has acknowledged, and forget the consumers that past daemons
// left in a group. Stream ids are `<ms>-<seq>`, both unsigned 64-bit.
import type { Redis } from 'ioredis';
import type { Log } from '../log.ts';

function idParts(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = idParts(a);
  const [bMs, bSeq] = idParts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/** The smallest id after `id` (XTRIM MINID keeps ids >= its argument, so this trims `id` itself). */
export function nextStreamId(id: string): string {
  const [ms, seq] = idParts(id);
  return seq === 0xffffffffffffffffn ? `${ms + 1n}-0` : `${ms}-${seq + 1n}`;
}

/** Field/value list (as XINFO returns in RESP2) to a record. */
function fieldRecord(list: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (Array.isArray(list)) for (let i = 0; i + 1 < list.length; i += 2) record[String(list[i])] = list[i + 1];
  return record;
}

export interface TrimResult {
  /** Pending (delivered, unacknowledged) entries of each group of the stream. */
  pending: Map<string, number>;
  /** The MINID trimmed to; undefined when the stream has no group (or does not exist): nothing trimmed. */
  floor: string | undefined;
}

/**
 * XTRIM MINID behind what every group of the stream has acknowledged: its oldest pending id, or the
 * id after last-delivered when nothing is pending. Entries never delivered (added while no daemon
 * ran) are newer than last-delivered, so they are never trimmed. Reading the groups and trimming
 * are separate commands; anything acknowledged in between only makes the floor conservative.
 */
export async function trimBehindGroups(redis: Redis, key: string): Promise<TrimResult> {
  const pending = new Map<string, number>();
  let groups: unknown;
  try {
    groups = await redis.call('XINFO', 'GROUPS', key);
  } catch (error) {
    if (/no such key/i.test(error instanceof Error ? error.message : String(error))) return { pending, floor: undefined };
    throw error;
  }
  let floor: string | undefined;
  for (const group of Array.isArray(groups) ? groups : []) {
    const info = fieldRecord(group);
    const name = String(info.name);
    const pendingCount = Number(info.pending ?? 0);
    pending.set(name, pendingCount);
    let candidate = nextStreamId(String(info['last-delivered-id'] ?? '0-0'));
    if (pendingCount > 0) {
      const summary = (await redis.call('XPENDING', key, name)) as [number, string | null, string | null, unknown];
      if (summary[1]) candidate = summary[1];
    }
    if (floor === undefined || compareStreamIds(candidate, floor) < 0) floor = candidate;
  }
  if (floor) await redis.call('XTRIM', key, 'MINID', floor);
  return { pending, floor };
}

/** Deletes the group's consumers, other than `keep`, idle for staleMs with nothing pending (past daemons). */
export async function forgetStaleConsumers(redis: Redis, key: string, group: string, keep: string, staleMs: number, log: Log): Promise<void> {
  const consumers = await redis.call('XINFO', 'CONSUMERS', key, group);
  for (const consumer of Array.isArray(consumers) ? consumers : []) {
    const info = fieldRecord(consumer);
    const name = String(info.name);
    if (name === keep || Number(info.pending) > 0 || Number(info.idle) < staleMs) continue;
    await redis.call('XGROUP', 'DELCONSUMER', key, group, name);
    log.info('consumer_forgotten', { consumer: name });
  }
}
