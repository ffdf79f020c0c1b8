// What the daemon runs to ingest: the telemetry store, the fast path (IngestService) and the
// spool drain, composed behind one small interface so the daemon's lifecycle (lock, socket,
// signals) does not depend on how ingestion is built, and tests can swap it.
import { join } from 'node:path';
import type { BlueplaneConfig } from '../config.ts';
import { IngestService } from '../fast-path/ingest-service.ts';
import type { IngestStats } from '../fast-path/ingest-service.ts';
import type { Log } from '../log.ts';
import { SpoolDrain } from '../spool/spool-drain.ts';
import { DATABASE_FILE, TelemetryStore } from '../storage/telemetry-store.ts';
import { errorFields } from './daemon-log.ts';
import type { RedisCounters } from './daemon-status.ts';

export interface StoreFigures {
  eventsStored: number;
  databaseBytes: number;
}

export interface IngestPipeline {
  start(): Promise<void>;
  /** Stop reading, flush and commit the batch in hand, acknowledge, close the store. Idempotent. */
  close(): Promise<void>;
  storeFigures(): StoreFigures;
  /** Stream lengths and pending entries; undefined when Redis is not reachable (or not used). */
  redisCounters(): Promise<RedisCounters | undefined>;
  /** Counters of the fast path, numbers only. */
  stats(): IngestStats;
}

export interface PipelineContext {
  config: BlueplaneConfig;
  /** The Redis chosen at start, or undefined in spool-only mode. */
  redisUrl: string | undefined;
  log: Log;
}

export type PipelineFactory = (context: PipelineContext) => Promise<IngestPipeline>;

export function telemetryDatabasePath(home: string): string {
  return join(home, DATABASE_FILE);
}

export const createIngestPipeline: PipelineFactory = async ({ config, redisUrl, log }) => {
  const store = TelemetryStore.open(telemetryDatabasePath(config.home), log);
  const service = new IngestService({ config, store, redis: redisUrl ?? null, log });
  const drain = new SpoolDrain({ home: config.home, sink: service, log });
  let firstDrain: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  return {
    async start() {
      await service.start();
      // The drain's watcher is up when start() returns; its first pass (a spool left by a long
      // Redis outage can hold many thousands of events) runs on while the daemon already answers.
      firstDrain = drain.start().catch((error: unknown) => log.error('spool_drain_failed', errorFields(error)));
    },
    close() {
      // Spool first (it commits through the service), then the stream: read no more, commit and
      // acknowledge the batch in hand; the store last.
      closing ??= (async () => {
        try {
          await drain.close();
          await firstDrain;
          await service.close();
        } finally {
          store.close();
        }
      })();
      return closing;
    },
    storeFigures: () => ({ eventsStored: store.eventCount(), databaseBytes: store.fileSizeBytes() }),
    async redisCounters() {
      const streams = await service.redisStatus();
      if (!streams) return undefined;
      return {
        streams: { 'telemetry:events': streams.eventsLength, 'cdc:events': streams.cdcLength, 'telemetry:dlq': streams.deadLetters },
        pendingEntries: streams.pending,
        deadLetters: streams.deadLetters,
      };
    },
    stats: () => service.stats(),
  };
};
