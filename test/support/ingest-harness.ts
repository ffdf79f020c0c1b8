// A fast path under test: a throw-away data folder with its telemetry.db, a unique Redis key
// prefix on a private redis-server, a producer connection that XADDs exactly what the hooks
// write, and read-only views of what a user would look at afterwards (rows, session mappings,
// CDC and dead-letter entries).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { Redis } from 'ioredis';
import type { BlueplaneConfig } from '../../core/config.ts';
import { DEFAULT_HOOK_LIMITS } from '../../core/config.ts';
import { streamEntryFields } from '../../core/event/envelope.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { IngestService } from '../../core/fast-path/ingest-service.ts';
import type { IngestServiceOptions, IngestTuning } from '../../core/fast-path/ingest-service.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import type { RedisKeys } from '../../core/redis-keys.ts';
import { silentLog } from '../../core/log.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';
import { uniquePrefix } from './hook-fixtures.ts';
import type { RawTraceRow, SessionMappingRow } from './telemetry-db.ts';
import type { PrivateRedis } from './redis-server.ts';

export const ENCODER_WORKER = new URL('../../core/fast-path/encoder-worker.ts', import.meta.url);

export type StreamEntry = [string, string[]];

/** Field/value list to a record (last value wins). */
export function fieldsOf(fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
  return record;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class IngestHarness {
  readonly home: string;
  readonly dbFile: string;
  readonly prefix: string;
  readonly keys: RedisKeys;
  readonly config: BlueplaneConfig;
  readonly redis: PrivateRedis;
  readonly producer: Redis;
  store: TelemetryStore;
  private readonly services: IngestService[] = [];
  private reader: SqliteDatabase | undefined;

  constructor(redis: PrivateRedis) {
    this.redis = redis;
    this.home = mkdtempSync(join(tmpdir(), 'blueplane-ingest-'));
    this.dbFile = join(this.home, DATABASE_FILE);
    this.prefix = uniquePrefix();
    this.keys = redisKeys(this.prefix);
    this.config = { home: this.home, redisUrl: redis.url, redisPrefix: this.prefix, hook: DEFAULT_HOOK_LIMITS };
    this.producer = new Redis(redis.url, { protocol: 2 });
    this.store = TelemetryStore.open(this.dbFile, silentLog);
  }

  /** A service on this harness's store and prefix; fast maintenance unless told otherwise. */
  service(options: Partial<Omit<IngestServiceOptions, 'tuning'>> & { tuning?: Partial<IngestTuning> } = {}): IngestService {
    const service = new IngestService({
      config: this.config,
      store: this.store,
      redis: this.redis.url,
      log: silentLog,
      encoderWorker: ENCODER_WORKER,
      ...options,
      tuning: { startTimeoutMs: 2000, closeTimeoutMs: 3000, ...options.tuning },
    });
    this.services.push(service);
    return service;
  }

  /** XADDs each event exactly as a hook does; returns the entry ids. */
  async xadd(events: readonly TelemetryEvent[]): Promise<string[]> {
    return this.xaddFields(events.map(streamEntryFields));
  }

  async xaddFields(entries: ReadonlyArray<readonly string[]>): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < entries.length; i += 500) {
      const pipeline = this.producer.pipeline();
      for (const fields of entries.slice(i, i + 500)) pipeline.call('XADD', this.keys.events, '*', ...fields);
      for (const [error, id] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        ids.push(String(id));
      }
    }
    return ids;
  }

  private db(): SqliteDatabase {
    this.reader ??= new Database(this.dbFile, { readonly: true });
    return this.reader;
  }

  rows(): RawTraceRow[] {
    return this.db()
      .prepare<RawTraceRow>('SELECT * FROM raw_traces ORDER BY sequence')
      .all();
  }

  sessionMappings(): SessionMappingRow[] {
    return this.db().prepare<SessionMappingRow>('SELECT * FROM session_mappings ORDER BY first_seen, external_id').all();
  }

  storedEventIds(): Set<string> {
    return new Set(this.db().prepare<{ event_id: string }>('SELECT event_id FROM raw_traces').all().map((row) => row.event_id));
  }

  async entries(key: string): Promise<StreamEntry[]> {
    return (await this.producer.call('XRANGE', key, '-', '+')) as StreamEntry[];
  }

  async cdc(): Promise<Array<Record<string, string>>> {
    return (await this.entries(this.keys.cdc)).map(([, fields]) => fieldsOf(fields));
  }

  async deadLetters(): Promise<Array<Record<string, string>>> {
    return (await this.entries(this.keys.deadLetters)).map(([, fields]) => fieldsOf(fields));
  }

  /** Pending entries of the processors group: [id, consumer, idle ms, deliveries]. */
  async pending(): Promise<Array<[string, string, number, number]>> {
    try {
      return (await this.producer.call('XPENDING', this.keys.events, 'processors', '-', '+', 1_000_000)) as Array<[string, string, number, number]>;
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.services.map((service) => service.close()));
    this.reader?.close();
    this.store.close();
    await this.producer.quit();
    rmSync(this.home, { recursive: true, force: true });
  }
}
