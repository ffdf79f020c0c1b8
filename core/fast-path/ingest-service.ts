// The fast path: Redis stream `telemetry:events` (group "processors") → validate → encode → one
// SQLite transaction per batch → CDC entries → XACK. Exactly-once in effect: an entry is
// acknowledged only after its row is committed, redelivery is harmless (INSERT OR IGNORE on
// event_id), and only rows really inserted get a CDC entry.
//
// The loop (bullmq's shape): a dedicated blocking connection reads in `while (!closing)`. The
// stages of consecutive batches overlap: the next XREADGROUP is sent as soon as a batch arrives,
// the batch is validated and compressed in the encoder worker (event-encoder.ts) while the ingest
// thread commits the previous one, and its CDC XADDs and XACK go out as one script call
// (publish-script.ts) on a second connection that the loop does not wait for (a few batches may
// be in flight; past that it waits for the oldest). Batches form by themselves: up to 100
// entries, the read blocks at most 100 ms, and whatever arrived while the previous batch was being
// handled is the next one, so a quiet stream gives one-event batches within a millisecond and a
// flood gives full ones.
//
// Every ~10 s (and on start): XAUTOCLAIM entries idle > 30 s into this consumer (an earlier
// daemon's, or ours after an error), dead-letter those delivered more than 3 times, trim both
// streams behind what their groups acknowledged, forget empty consumers of past daemons.
//
// Without Redis (redis: null) the service only commits what the spool drain hands it; no CDC.
// It knows nothing about signals, locks or pid files: the daemon owns the process.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { BlueplaneConfig } from '../config.ts';
import type { TelemetryEvent } from '../event/envelope.ts';
import type { Log } from '../log.ts';
import { redisKeys } from '../redis-keys.ts';
import type { RedisKeys } from '../redis-keys.ts';
import { encodeEvent } from '../storage/event-codec.ts';
import type { EncodedEvent } from '../storage/event-codec.ts';
import type { CommittedEvent, TelemetryStore } from '../storage/telemetry-store.ts';
import { deadLetterFields } from './dead-letters.ts';
import type { DeadLetter } from './dead-letters.ts';
import { encodeEntry } from './entry-encoding.ts';
import type { EncodedEntry } from './entry-encoding.ts';
import { createEventEncoder, inlineEncoder } from './event-encoder.ts';
import type { EventEncoder } from './event-encoder.ts';
import { definePublishScript, publishAndAck } from './publish-script.ts';
import type { PublishTarget } from './publish-script.ts';
import { connectRedis } from './redis-connection.ts';
import type { RedisSource } from './redis-connection.ts';
import { compareStreamIds, forgetStaleConsumers, trimBehindGroups } from './stream-housekeeping.ts';

export const PROCESSORS_GROUP = 'processors';
export const WORKERS_GROUP = 'workers';

export interface IngestTuning {
  /** Most entries per XREADGROUP, hence per transaction. */
  batchSize: number;
  /** How long one XREADGROUP blocks when the stream is empty. */
  blockMs: number;
  /** Pending entries idle this long are reclaimed (another consumer died, or we failed to commit). */
  claimIdleMs: number;
  /** Deliveries after which a still-unacknowledged entry goes to the DLQ instead. */
  maxDeliveries: number;
  /** Period of recovery, trimming and consumer clean-up. */
  maintenanceIntervalMs: number;
  /** Batches between read and acknowledgement (encoding, committing, publishing) before the loop waits for the oldest. */
  maxInFlightBatches: number;
  /** Safety cap of cdc:events (approximate MAXLEN on every XADD). */
  cdcMaxLength: number;
  deadLetterMaxLength: number;
  /** Pause after a Redis or SQLite error before trying again. */
  retryDelayMs: number;
  /** start() resolves after this even if Redis has not answered (the loop keeps trying). */
  startTimeoutMs: number;
  /** close() waits this long for the last batch and its acknowledgements when Redis is gone. */
  closeTimeoutMs: number;
  /** Consumers of the group idle this long with nothing pending are deleted (past daemons). */
  staleConsumerMs: number;
}

export const DEFAULT_INGEST_TUNING: IngestTuning = {
  batchSize: 100,
  blockMs: 100,
  claimIdleMs: 30_000,
  maxDeliveries: 3,
  maintenanceIntervalMs: 10_000,
  maxInFlightBatches: 4,
  // CDC entries are ~90 bytes in Redis: 250k is ~25 MB. Past that, a worker that was down reads the
  // missing rows from SQLite by sequence instead.
  cdcMaxLength: 250_000,
  deadLetterMaxLength: 10_000,
  retryDelayMs: 1000,
  startTimeoutMs: 3000,
  closeTimeoutMs: 5000,
  staleConsumerMs: 60 * 60 * 1000,
};

export interface IngestServiceOptions {
  config: BlueplaneConfig;
  store: TelemetryStore;
  /** Where Redis is (URL or ioredis factory), or null to run without Redis: spool only, no CDC. */
  redis: RedisSource | null;
  log: Log;
  /** Unique per daemon by default: `<host>-<pid>-<random>`. */
  consumerName?: string;
  /**
   * Script of the encoder worker (core/fast-path/encoder-worker.ts, or .js when bundled); false to
   * encode on the ingest thread. Default: encoder-worker.js next to the daemon bundle if present.
   */
  encoderWorker?: string | URL | false;
  tuning?: Partial<IngestTuning>;
}

/** Counters for `blueplane status`: numbers only. */
export interface IngestStats {
  /** Rows this service inserted (stream and spool). */
  eventsStored: number;
  /** Valid events that were already stored (redelivery, spool replay). */
  duplicates: number;
  batches: number;
  deadLetters: number;
  /** Unacknowledged entries of the processors group, as of the last maintenance pass. */
  pending: number;
  /** SQLite time of the last batch's transaction. */
  lastBatchMs: number;
  lastBatchEvents: number;
  cdcPublished: number;
  /** New rows that got no CDC entry because Redis was unavailable. */
  cdcSkipped: number;
  reclaimed: number;
  /** 1 when both Redis connections are ready, else 0 (always 0 without Redis). */
  redisConnected: number;
  /** 1 when validation and compression run in the encoder worker, 0 when on the ingest thread. */
  encoderThreads: number;
  redisErrors: number;
}

export interface RedisStreamStatus {
  eventsLength: number;
  pending: number;
  deadLetters: number;
  cdcLength: number;
}

/** An event that passed validation, with its JSON text as it arrived. */
export interface ValidatedEvent {
  event: TelemetryEvent;
  json: string;
}

/** What the spool drain needs from the fast path. */
export interface EventSink {
  /** Stores the events in one transaction; CDC for the new rows when Redis is up. Throws if the commit fails. */
  commitEvents(events: readonly ValidatedEvent[]): CommittedEvent[];
  /** Writes dead letters; resolves false when Redis is unavailable (the caller logs them instead). */
  deadLetter(letters: readonly DeadLetter[]): Promise<boolean>;
}

/** [id, fields]; fields is null for an entry deleted while pending (XAUTOCLAIM on Redis 6.2). */
type StreamEntry = [string, string[] | null];

type PipelineResults = Array<[Error | null, unknown]> | null;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultConsumerName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function parseEntries(value: unknown): StreamEntry[] {
  return Array.isArray(value) ? (value as StreamEntry[]) : [];
}

export class IngestService implements EventSink {
  readonly consumerName: string;
  private readonly store: TelemetryStore;
  private readonly log: Log;
  private readonly keys: RedisKeys;
  private readonly tuning: IngestTuning;
  private readonly publishTarget: PublishTarget;
  private readonly redisSource: RedisSource | null;
  private readonly encoderWorker: string | URL | false | undefined;
  private encoder: EventEncoder = inlineEncoder;
  private reader: Redis | undefined;
  private commands: Redis | undefined;
  private loop: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  private closed: Promise<void> | undefined;
  private closing = false;
  private readonly publishes = new Set<Promise<void>>();
  private readonly batches = new Set<Promise<void>>();
  private pauseRequested = false;
  private wake: (() => void) | undefined;
  private nextMaintenanceAt = 0;
  private lastRedisErrorLogAt = -Infinity;
  private readonly counters: Omit<IngestStats, 'redisConnected' | 'lastBatchMs' | 'encoderThreads'> = {
    eventsStored: 0,
    duplicates: 0,
    batches: 0,
    deadLetters: 0,
    pending: 0,
    lastBatchEvents: 0,
    cdcPublished: 0,
    cdcSkipped: 0,
    reclaimed: 0,
    redisErrors: 0,
  };

  constructor(options: IngestServiceOptions) {
    this.store = options.store;
    this.log = options.log;
    this.keys = redisKeys(options.config.redisPrefix);
    this.tuning = { ...DEFAULT_INGEST_TUNING, ...options.tuning };
    this.publishTarget = { cdcKey: this.keys.cdc, eventsKey: this.keys.events, group: PROCESSORS_GROUP, cdcMaxLength: this.tuning.cdcMaxLength };
    this.redisSource = options.redis;
    this.encoderWorker = options.encoderWorker;
    this.consumerName = options.consumerName ?? defaultConsumerName();
  }

  /** Connects and starts the loop. Resolves once the consumer group exists, or after startTimeoutMs without Redis. */
  start(): Promise<void> {
    this.started ??= this.startOnce();
    return this.started;
  }

  private async startOnce(): Promise<void> {
    if (this.closing) return;
    if (this.redisSource === null) {
      this.log.info('ingest_started', { mode: 'spool_only' });
      return;
    }
    this.encoder = createEventEncoder(this.encoderWorker, this.log);
    const options = { maxRetriesPerRequest: null, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000) };
    this.reader = connectRedis(this.redisSource, { ...options, connectionName: 'blueplane-ingest-reader' });
    this.commands = connectRedis(this.redisSource, { ...options, connectionName: 'blueplane-ingest' });
    definePublishScript(this.commands);
    for (const client of [this.reader, this.commands]) client.on('error', (error: Error) => this.noteRedisError('connection', error));
    let ready: () => void = () => {};
    const groupReady = new Promise<void>((resolve) => (ready = resolve));
    this.loop = this.run(ready);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.tuning.startTimeoutMs).unref());
    const answered = await Promise.race([groupReady.then(() => true), timeout]);
    this.log.info('ingest_started', { mode: 'redis', consumer: this.consumerName, redis_ready: answered, encoder_thread: this.encoder.threaded });
    if (!answered) this.log.warn('redis_unavailable', { waited_ms: this.tuning.startTimeoutMs });
  }

  private async run(groupReady: () => void): Promise<void> {
    while (!this.closing) {
      try {
        await this.ensureGroup();
        break;
      } catch (error) {
        this.noteRedisError('group_create', error);
        await this.pause();
      }
    }
    groupReady();
    let next: Promise<StreamEntry[]> | undefined;
    while (!this.closing) {
      if (performance.now() >= this.nextMaintenanceAt) await this.maintain();
      if (this.pauseRequested) {
        this.pauseRequested = false;
        await this.pause();
      }
      if (this.closing) break;
      next ??= this.read();
      let entries: StreamEntry[];
      try {
        entries = await next;
      } catch (error) {
        next = undefined;
        this.noteRedisError('read', error);
        if (/NOGROUP/.test(errorMessage(error))) await this.ensureGroup().catch((groupError: unknown) => this.noteRedisError('group_create', groupError));
        await this.pause();
        continue;
      }
      // The next read goes out now; Redis serves it while this batch is encoded and written.
      next = this.closing ? undefined : this.read();
      if (entries.length === 0) continue;
      this.trackBatch(this.processBatch(entries));
      if (this.batches.size >= this.tuning.maxInFlightBatches) await Promise.race(this.batches);
    }
    // Closing: a read already sent may still deliver entries to us; store and acknowledge them too.
    if (next) {
      try {
        const entries = await next;
        if (entries.length > 0) this.trackBatch(this.processBatch(entries));
      } catch (error) {
        this.noteRedisError('read', error);
      }
    }
    await Promise.allSettled(this.batches);
    await Promise.allSettled(this.publishes);
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.commands!.call('XGROUP', 'CREATE', this.keys.events, PROCESSORS_GROUP, '0', 'MKSTREAM');
      this.log.info('consumer_group_created', { group: PROCESSORS_GROUP });
    } catch (error) {
      if (!/BUSYGROUP/.test(errorMessage(error))) throw error;
    }
  }

  private async read(): Promise<StreamEntry[]> {
    const reply = await this.reader!.call(
      'XREADGROUP',
      'GROUP',
      PROCESSORS_GROUP,
      this.consumerName,
      'COUNT',
      this.tuning.batchSize,
      'BLOCK',
      this.tuning.blockMs,
      'STREAMS',
      this.keys.events,
      '>',
    );
    if (!Array.isArray(reply) || reply.length === 0) return [];
    return parseEntries((reply[0] as [string, unknown])[1]);
  }

  private trackBatch(batch: Promise<void>): void {
    this.batches.add(batch);
    void batch.finally(() => this.batches.delete(batch));
  }

  /** Validate and encode (worker), commit (this thread), then CDC + XACK in one script call. Never rejects; settles once acknowledged. */
  private async processBatch(entries: readonly StreamEntry[]): Promise<void> {
    const live = entries.filter((entry): entry is [string, string[]] => entry[1] !== null);
    const orphanIds = entries.filter(([, fields]) => fields === null).map(([id]) => id);
    const fields = live.map(([, entryFields]) => entryFields);
    let results: EncodedEntry[];
    try {
      results = await this.encoder.encode(fields);
    } catch {
      // The worker is gone (encoder_worker_failed is logged): from now on, encode here.
      this.encoder = inlineEncoder;
      results = fields.map(encodeEntry);
    }
    const encoded: EncodedEvent[] = [];
    const acceptedIds: string[] = [];
    const dead: DeadLetter[] = [];
    results.forEach((result, index) => {
      const [id, entryFields] = live[index]!;
      if (result.ok) {
        encoded.push(result.encoded);
        acceptedIds.push(id);
      } else {
        dead.push({ reason: result.reason, detail: result.detail, source: 'stream', sourceId: id, fields: entryFields });
      }
    });
    let committed: CommittedEvent[] = [];
    let commitFailed = false;
    try {
      committed = this.commit(encoded);
    } catch (error) {
      // Left unacknowledged: reclaimed after claimIdleMs and tried again, dead-lettered after maxDeliveries.
      commitFailed = true;
      this.pauseRequested = true;
      this.log.error('batch_commit_failed', { events: encoded.length, error: errorMessage(error) });
    }
    const ackIds = commitFailed ? orphanIds : [...acceptedIds, ...orphanIds];
    await Promise.all([this.publish(committed, ackIds), dead.length > 0 ? this.deadLetterAndAck(dead) : undefined]);
  }

  /** The one write path, for stream batches and spool replay alike. */
  private commit(encoded: readonly EncodedEvent[]): CommittedEvent[] {
    if (encoded.length === 0) return [];
    const committed = this.store.insertBatch(encoded);
    this.counters.batches++;
    this.counters.lastBatchEvents = encoded.length;
    this.counters.eventsStored += committed.length;
    this.counters.duplicates += encoded.length - committed.length;
    return committed;
  }

  private track(publish: Promise<void>): void {
    this.publishes.add(publish);
    void publish.finally(() => this.publishes.delete(publish));
  }

  /** An XADD per new row to cdc:events, then XACK of the batch, in one script call. Never rejects. */
  private async publish(committed: readonly CommittedEvent[], ackIds: readonly string[]): Promise<void> {
    if (committed.length === 0 && ackIds.length === 0) return;
    try {
      // Awaited before the +=: that reads the counter first, and concurrent publishes would lose counts.
      const published = await publishAndAck(this.commands!, this.publishTarget, committed, ackIds);
      this.counters.cdcPublished += published;
    } catch (error) {
      this.noteRedisError('publish', error);
    }
  }

  /** DLQ entries first; an entry is acknowledged only once its dead letter is written. */
  private async deadLetterAndAck(letters: readonly DeadLetter[]): Promise<void> {
    const written = await this.writeDeadLetters(letters);
    const ids = letters.filter((_, index) => written[index]).map((letter) => letter.sourceId);
    if (ids.length === 0) return;
    try {
      await this.commands!.call('XACK', this.keys.events, PROCESSORS_GROUP, ...ids);
    } catch (error) {
      this.noteRedisError('ack', error);
    }
  }

  private async writeDeadLetters(letters: readonly DeadLetter[]): Promise<boolean[]> {
    const pipeline = this.commands!.pipeline();
    const at = new Date();
    for (const letter of letters) {
      pipeline.call('XADD', this.keys.deadLetters, 'MAXLEN', '~', this.tuning.deadLetterMaxLength, '*', ...deadLetterFields(letter, at));
    }
    let results: PipelineResults = null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      this.noteRedisError('dead_letter', error);
    }
    const written = letters.map((_, index) => results?.[index]?.[0] === null);
    letters.forEach((letter, index) => {
      this.log.warn('event_dead_lettered', { reason: letter.reason, detail: letter.detail, source: letter.source, source_id: letter.sourceId, written: written[index] });
    });
    this.counters.deadLetters += written.filter(Boolean).length;
    return written;
  }

  // EventSink, for the spool drain.

  commitEvents(events: readonly ValidatedEvent[]): CommittedEvent[] {
    const committed = this.commit(events.map(({ event, json }) => encodeEvent(event, json)));
    if (committed.length > 0) {
      if (this.redisReady()) this.track(this.publish(committed, []));
      else this.counters.cdcSkipped += committed.length;
    }
    return committed;
  }

  async deadLetter(letters: readonly DeadLetter[]): Promise<boolean> {
    if (letters.length === 0) return true;
    if (!this.redisReady()) return false;
    return (await this.writeDeadLetters(letters)).every(Boolean);
  }

  // Recovery, trimming and clean-up.

  private async maintain(): Promise<void> {
    this.nextMaintenanceAt = performance.now() + this.tuning.maintenanceIntervalMs;
    for (const [operation, step] of [
      ['recover', () => this.recover()],
      ['trim', () => this.trim()],
      ['consumers', () => forgetStaleConsumers(this.commands!, this.keys.events, PROCESSORS_GROUP, this.consumerName, this.tuning.staleConsumerMs, this.log)],
    ] as const) {
      if (this.closing) return;
      try {
        await step();
      } catch (error) {
        this.noteRedisError(operation, error);
      }
    }
  }

  /** XAUTOCLAIM idle pending entries; process them, or dead-letter the ones delivered too often. */
  private async recover(): Promise<void> {
    let cursor = '0-0';
    do {
      const reply = (await this.commands!.call(
        'XAUTOCLAIM',
        this.keys.events,
        PROCESSORS_GROUP,
        this.consumerName,
        this.tuning.claimIdleMs,
        cursor,
        'COUNT',
        this.tuning.batchSize,
      )) as [string, unknown, unknown?];
      cursor = String(reply[0]);
      const entries = parseEntries(reply[1]);
      if (entries.length === 0) continue;
      const deliveries = await this.deliveryCounts(entries);
      const exhausted = entries.filter(([id, fields]) => fields !== null && (deliveries.get(id) ?? 0) > this.tuning.maxDeliveries);
      const retried = entries.filter((entry) => !exhausted.includes(entry));
      this.counters.reclaimed += entries.length;
      this.log.info('entries_reclaimed', { entries: entries.length, dead_lettered: exhausted.length });
      if (exhausted.length > 0) {
        await this.deadLetterAndAck(
          exhausted.map(([id, fields]) => ({
            reason: 'max_deliveries',
            detail: `delivered ${deliveries.get(id)} times without being acknowledged`,
            source: 'stream',
            sourceId: id,
            fields: fields!,
          })),
        );
      }
      if (retried.length > 0) await this.processBatch(retried);
    } while (cursor !== '0-0' && !this.closing);
  }

  /** Delivery count of each entry, from XPENDING over the claimed ids' range for this consumer. */
  private async deliveryCounts(entries: readonly StreamEntry[]): Promise<Map<string, number>> {
    const ids = entries.map(([id]) => id).sort(compareStreamIds);
    // Our own in-flight entries may share the range; leave room for them.
    const room = entries.length + this.tuning.batchSize * (this.tuning.maxInFlightBatches + 2);
    const reply = await this.commands!.call('XPENDING', this.keys.events, PROCESSORS_GROUP, ids[0]!, ids.at(-1)!, room, this.consumerName);
    const counts = new Map<string, number>();
    if (Array.isArray(reply)) for (const row of reply as Array<[string, string, number, number]>) counts.set(row[0], Number(row[3]));
    return counts;
  }

  private async trim(): Promise<void> {
    const events = await trimBehindGroups(this.commands!, this.keys.events);
    this.counters.pending = events.pending.get(PROCESSORS_GROUP) ?? 0;
    // cdc:events: behind its groups once workers exist; until then only the MAXLEN cap on each XADD.
    await trimBehindGroups(this.commands!, this.keys.cdc);
  }

  // Status.

  private redisReady(): boolean {
    return this.reader?.status === 'ready' && this.commands?.status === 'ready';
  }

  stats(): IngestStats {
    const store = this.store.stats();
    return { ...this.counters, lastBatchMs: store.lastBatchMs, redisConnected: this.redisReady() ? 1 : 0, encoderThreads: this.encoder.threaded ? 1 : 0 };
  }

  /** Stream lengths and pending entries now, for `status`; undefined when Redis is unavailable. */
  async redisStatus(): Promise<RedisStreamStatus | undefined> {
    if (!this.redisReady()) return undefined;
    const pipeline = this.commands!.pipeline();
    pipeline.call('XLEN', this.keys.events);
    pipeline.call('XLEN', this.keys.deadLetters);
    pipeline.call('XLEN', this.keys.cdc);
    pipeline.call('XPENDING', this.keys.events, PROCESSORS_GROUP);
    const results = (await pipeline.exec()) ?? [];
    const value = (index: number): unknown => (results[index]?.[0] ? undefined : results[index]?.[1]);
    const summary = value(3);
    return {
      eventsLength: Number(value(0) ?? 0),
      deadLetters: Number(value(1) ?? 0),
      cdcLength: Number(value(2) ?? 0),
      pending: Array.isArray(summary) ? Number(summary[0] ?? 0) : 0,
    };
  }

  // Shutdown.

  /** Stops reading, stores and acknowledges the batch in hand, waits for its CDC and XACK, disconnects. Idempotent. */
  close(): Promise<void> {
    this.closed ??= this.closeOnce();
    return this.closed;
  }

  private async closeOnce(): Promise<void> {
    this.closing = true;
    this.wake?.();
    await this.started;
    if (this.loop && !(await this.settlesWithin(this.loop, this.tuning.closeTimeoutMs))) {
      // Redis is gone: the read in flight will never answer. Whatever it delivered stays pending.
      this.log.warn('ingest_close_timeout', { waited_ms: this.tuning.closeTimeoutMs });
      this.reader?.disconnect();
      this.commands?.disconnect();
      await this.settlesWithin(this.loop, 1000);
    }
    await this.encoder.close();
    for (const client of [this.reader, this.commands]) {
      if (!client) continue;
      try {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      } catch {
        client.disconnect();
      }
    }
    this.log.info('ingest_closed', { events_stored: this.counters.eventsStored, dead_letters: this.counters.deadLetters });
  }

  private async settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const settled = await Promise.race([promise.then(() => true, () => true), timeout]);
    clearTimeout(timer);
    return settled;
  }

  private pause(): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.tuning.retryDelayMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private noteRedisError(operation: string, error: unknown): void {
    this.counters.redisErrors++;
    const now = performance.now();
    if (now - this.lastRedisErrorLogAt < 10_000) return;
    this.lastRedisErrorLogAt = now;
    this.log.warn('redis_error', { operation, error: errorMessage(error), errors: this.counters.redisErrors });
  }
}
