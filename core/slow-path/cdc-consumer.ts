// The slow path's reader of `cdc:events` (consumer group "workers") and its worker pools. One
// blocking connection reads; each entry goes to every worker that takes it, into the lane of its
// session (a pool of N lanes runs N handlers at once, and one session's entries stay in order in
// one lane); a lane hands its worker everything queued since its last run, in priority order, so
// a burst is coalesced into few recomputations. An entry is acknowledged once every worker that
// took it is done. A handler that throws is retried; after MAX_ATTEMPTS its entries go to the
// dead-letter stream with the reason and are acknowledged: a worker never stops the daemon.
// Entries left pending by a crash are reclaimed (XAUTOCLAIM) after CLAIM_IDLE_MS; one delivered
// more than MAX_DELIVERIES times is dead-lettered.
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseCdcEntry, type CdcEntry } from '../fast-path/cdc-entry.ts';
import { WORKERS_GROUP } from '../fast-path/ingest-service.ts';
import type { Log } from '../log.ts';
import type { RedisKeys } from '../redis-keys.ts';

export interface CdcWorker {
  readonly name: string;
  readonly lanes: number;
  takes(entry: CdcEntry): boolean;
  /** Entries of one lane, most urgent first. Throw to have them retried. */
  handle(entries: readonly CdcEntry[]): Promise<void>;
  /** Catch-up work before the first entry (e.g. rows a database from an older version lacks). */
  prepare?(): Promise<void>;
  /** Stops the worker's own timers, after the consumer has settled. */
  close?(): void;
}

export interface CdcConsumerOptions {
  reader: Redis;
  commands: Redis;
  keys: RedisKeys;
  workers: readonly CdcWorker[];
  log: Log;
  readCount?: number;
  blockMs?: number;
  claimIdleMs?: number;
  retryDelayMs?: number;
}

export interface CdcStats {
  read: number;
  acknowledged: number;
  deadLettered: number;
  retries: number;
  reclaimed: number;
  inFlight: number;
}

export const MAX_ATTEMPTS = 3;
export const MAX_DELIVERIES = 3;
const CLAIM_IDLE_MS = 30_000;
const MAX_IN_FLIGHT = 5_000;

type StreamEntry = [string, string[] | null];

interface Tracked {
  id: string;
  /** The entry as read, copied into its dead letter if it comes to that. */
  fields: readonly string[];
  entry: CdcEntry;
  waiting: number;
  failed?: string;
}

class Lane {
  queue: Tracked[] = [];
  running: Promise<void> | undefined;
}

function laneOf(entry: CdcEntry, lanes: number): number {
  let hash = 0;
  for (let i = 0; i < entry.session_uuid.length; i++) hash = (hash * 31 + entry.session_uuid.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class CdcConsumer {
  readonly consumerName = `${hostname()}-${process.pid}-workers-${randomBytes(3).toString('hex')}`;
  private readonly options: CdcConsumerOptions;
  private readonly lanes = new Map<CdcWorker, Lane[]>();
  private readonly counters: CdcStats = { read: 0, acknowledged: 0, deadLettered: 0, retries: 0, reclaimed: 0, inFlight: 0 };
  private loop: Promise<void> | undefined;
  private closing = false;
  private nextClaimAt = 0;
  private drained: (() => void) | undefined;

  constructor(options: CdcConsumerOptions) {
    this.options = options;
    for (const worker of options.workers) this.lanes.set(worker, Array.from({ length: worker.lanes }, () => new Lane()));
  }

  start(): void {
    this.loop ??= this.run();
  }

  stats(): CdcStats {
    return { ...this.counters };
  }

  /** Stops reading, lets every lane finish what it holds, acknowledges it. Idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    await this.loop;
    await this.settle();
  }

  private async run(): Promise<void> {
    const { commands, keys, log } = this.options;
    while (!this.closing) {
      try {
        await commands.call('XGROUP', 'CREATE', keys.cdc, WORKERS_GROUP, '0', 'MKSTREAM');
        log.info('consumer_group_created', { group: WORKERS_GROUP });
        break;
      } catch (error) {
        if (/BUSYGROUP/.test(errorMessage(error))) break;
        log.warn('cdc_group_failed', { error: errorMessage(error) });
        await this.sleep(1000);
      }
    }
    while (!this.closing) {
      try {
        if (Date.now() >= this.nextClaimAt) await this.reclaim();
        if (this.counters.inFlight >= MAX_IN_FLIGHT) {
          await new Promise<void>((resolve) => (this.drained = resolve));
          continue;
        }
        const reply = await this.options.reader.call('XREADGROUP', 'GROUP', WORKERS_GROUP, this.consumerName, 'COUNT', this.options.readCount ?? 500, 'BLOCK', this.options.blockMs ?? 1000, 'STREAMS', keys.cdc, '>');
        if (Array.isArray(reply) && reply.length > 0) await this.dispatch(((reply[0] as [string, unknown])[1] ?? []) as StreamEntry[]);
      } catch (error) {
        if (this.closing) break;
        log.warn('cdc_read_failed', { error: errorMessage(error) });
        if (/NOGROUP/.test(errorMessage(error))) {
          await commands.call('XGROUP', 'CREATE', keys.cdc, WORKERS_GROUP, '0', 'MKSTREAM').catch(() => undefined);
        }
        await this.sleep(500);
      }
    }
  }

  private async dispatch(entries: readonly StreamEntry[]): Promise<void> {
    const invalid: string[] = [];
    for (const [id, fields] of entries) {
      this.counters.read++;
      const entry = fields ? parseCdcEntry(fields) : undefined;
      if (!entry) {
        invalid.push(id);
        continue;
      }
      const tracked: Tracked = { id, fields: fields!, entry, waiting: 0 };
      for (const [worker, lanes] of this.lanes) {
        if (!worker.takes(entry)) continue;
        tracked.waiting++;
        lanes[laneOf(entry, worker.lanes)]!.queue.push(tracked);
      }
      this.counters.inFlight++;
      if (tracked.waiting === 0) await this.finish([tracked]);
    }
    if (invalid.length > 0) {
      const multi = this.options.commands.multi();
      for (const id of invalid) multi.xadd(this.options.keys.deadLetters, '*', 'reason', 'invalid_cdc_entry', 'detail', 'cdc entry fields missing or malformed', 'source', 'cdc', 'source_id', id);
      multi.xack(this.options.keys.cdc, WORKERS_GROUP, ...invalid);
      await multi.exec();
      this.counters.deadLettered += invalid.length;
    }
    for (const [worker, lanes] of this.lanes) for (const lane of lanes) this.kick(worker, lane);
  }

  private kick(worker: CdcWorker, lane: Lane): void {
    if (lane.running || lane.queue.length === 0) return;
    lane.running = this.runLane(worker, lane).finally(() => {
      lane.running = undefined;
      this.kick(worker, lane);
    });
  }

  private async runLane(worker: CdcWorker, lane: Lane): Promise<void> {
    const batch = lane.queue.splice(0).sort((a, b) => a.entry.priority - b.entry.priority || a.entry.sequence - b.entry.sequence);
    let failure: string | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        await worker.handle(batch.map((tracked) => tracked.entry));
        failure = undefined;
        break;
      } catch (error) {
        failure = errorMessage(error);
        this.options.log.warn('worker_failed', { worker: worker.name, attempt, entries: batch.length, error: failure });
        if (attempt < MAX_ATTEMPTS) {
          this.counters.retries++;
          await this.sleep((this.options.retryDelayMs ?? 200) * attempt);
        }
      }
    }
    const done: Tracked[] = [];
    for (const tracked of batch) {
      if (failure !== undefined) tracked.failed ??= `${worker.name}: ${failure}`;
      if (--tracked.waiting === 0) done.push(tracked);
    }
    await this.finish(done);
  }

  /** Acknowledges finished entries, dead-lettering the ones a worker gave up on. */
  private async finish(done: readonly Tracked[]): Promise<void> {
    if (done.length === 0) return;
    const { commands, keys, log } = this.options;
    const multi = commands.multi();
    for (const tracked of done) {
      if (tracked.failed === undefined) continue;
      multi.xadd(keys.deadLetters, '*', 'reason', 'worker_failed', 'detail', tracked.failed.slice(0, 500), 'source', 'cdc', 'source_id', tracked.id, ...tracked.fields);
      this.counters.deadLettered++;
      log.error('cdc_entry_dead_lettered', { sequence: tracked.entry.sequence, reason: 'worker_failed' });
    }
    multi.xack(keys.cdc, WORKERS_GROUP, ...done.map((tracked) => tracked.id));
    try {
      await multi.exec();
      this.counters.acknowledged += done.length;
    } catch (error) {
      // Not acknowledged: the entries stay pending and are reclaimed later (workers are idempotent).
      log.warn('cdc_ack_failed', { entries: done.length, error: errorMessage(error) });
    }
    this.counters.inFlight -= done.length;
    if (this.counters.inFlight < MAX_IN_FLIGHT / 2 && this.drained) {
      this.drained();
      this.drained = undefined;
    }
  }

  /** Takes over entries another consumer (a crashed daemon) left pending; too many deliveries: dead letter. */
  private async reclaim(): Promise<void> {
    const { commands, keys } = this.options;
    const idle = this.options.claimIdleMs ?? CLAIM_IDLE_MS;
    this.nextClaimAt = Date.now() + idle;
    let cursor = '0-0';
    do {
      const reply = (await commands.call('XAUTOCLAIM', keys.cdc, WORKERS_GROUP, this.consumerName, idle, cursor, 'COUNT', 500)) as [string, StreamEntry[]];
      cursor = String(reply[0]);
      const entries = (reply[1] ?? []).filter(([, fields]) => fields !== null);
      if (entries.length === 0) continue;
      this.counters.reclaimed += entries.length;
      const pending = (await commands.call('XPENDING', keys.cdc, WORKERS_GROUP, '-', '+', entries.length + MAX_IN_FLIGHT, this.consumerName)) as Array<[string, string, number, number]>;
      const deliveries = new Map(pending.map((row) => [row[0], Number(row[3])]));
      const exhausted: Tracked[] = [];
      const retried: StreamEntry[] = [];
      for (const [id, fields] of entries) {
        const entry = parseCdcEntry(fields!);
        const count = deliveries.get(id) ?? 0;
        if (entry && count > MAX_DELIVERIES) exhausted.push({ id, fields: fields!, entry, waiting: 0, failed: `delivered ${count} times without being acknowledged` });
        else retried.push([id, fields]);
      }
      this.counters.inFlight += exhausted.length;
      await this.finish(exhausted);
      if (retried.length > 0) await this.dispatch(retried);
    } while (cursor !== '0-0' && !this.closing);
  }

  private async settle(): Promise<void> {
    for (;;) {
      const running = [...this.lanes.values()].flat().map((lane) => lane.running).filter((promise): promise is Promise<void> => promise !== undefined);
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}
