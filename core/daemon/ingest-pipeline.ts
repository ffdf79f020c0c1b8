// What the daemon runs to ingest and process: the telemetry store, the fast path (IngestService),
// the spool drain, the transcript and Cursor monitors, and (with Redis) the slow path, composed
// behind one small interface so the daemon's lifecycle (lock, socket, signals) does not depend on
// how they are built, and tests can swap it.
import { join } from 'node:path';
import type { BlueplaneConfig } from '../config.ts';
import { IngestService } from '../fast-path/ingest-service.ts';
import type { IngestStats } from '../fast-path/ingest-service.ts';
import type { Log } from '../log.ts';
import { loadMonitorSettings } from '../monitors/monitor-settings.ts';
import { Monitors } from '../monitors/monitors.ts';
import { redisKeys } from '../redis-keys.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import type { CdcStats } from '../slow-path/cdc-consumer.ts';
import type { RebuildReport } from '../slow-path/metrics-rebuild.ts';
import { priceLookup } from '../slow-path/metrics-rebuild.ts';
import { SlowPath } from '../slow-path/slow-path.ts';
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
  /** Counters of the slow path's CDC consumer; undefined without Redis or before it started. */
  slowPathStats(): CdcStats | undefined;
  /** Recomputes the metrics from SQLite into Redis; undefined without Redis. */
  rebuildMetrics(): Promise<RebuildReport | undefined>;
}

export interface PipelineContext {
  config: BlueplaneConfig;
  /** The Redis chosen at start, or undefined in spool-only mode. */
  redisUrl: string | undefined;
  /** For the monitors' settings (CLAUDE_CONFIG_DIR, HOME, BLUEPLANE_CLAUDE_PROJECTS, …). */
  env: Record<string, string | undefined>;
  log: Log;
}

export type PipelineFactory = (context: PipelineContext) => Promise<IngestPipeline>;

export function telemetryDatabasePath(home: string): string {
  return join(home, DATABASE_FILE);
}

export const createIngestPipeline: PipelineFactory = async ({ config, redisUrl, env, log }) => {
  const store = TelemetryStore.open(telemetryDatabasePath(config.home), log);
  const service = new IngestService({ config, store, redis: redisUrl ?? null, log });
  const drain = new SpoolDrain({ home: config.home, sink: service, log });
  const monitors = new Monitors({ home: config.home, settings: loadMonitorSettings(config.home, env, (message) => log.warn('config_problem', { message })), sink: service, log, db: store.connection() });
  const redisOptions = { maxRetriesPerRequest: null, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000) };
  const slowRedis = redisUrl
    ? { reader: connectRedis(redisUrl, { ...redisOptions, connectionName: 'blueplane-workers-reader' }), commands: connectRedis(redisUrl, { ...redisOptions, connectionName: 'blueplane-workers' }) }
    : undefined;
  for (const client of slowRedis ? [slowRedis.reader, slowRedis.commands] : []) client.on('error', () => undefined);
  const slowPath = slowRedis
    ? new SlowPath({ store, ...slowRedis, keys: redisKeys(config.redisPrefix), log, priceOf: priceLookup(config.home) })
    : undefined;
  let firstDrain: Promise<void> | undefined;
  let slowStart: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  return {
    async start() {
      await service.start();
      // The drain's watcher is up when start() returns; its first pass (a spool left by a long
      // Redis outage can hold many thousands of events) runs on while the daemon already answers.
      firstDrain = drain.start().catch((error: unknown) => log.error('spool_drain_failed', errorFields(error)));
      monitors.start(firstDrain);
      // The slow path first rebuilds the metrics from SQLite: the daemon answers meanwhile.
      slowStart = slowPath?.start().catch((error: unknown) => log.error('slow_path_failed', errorFields(error)));
    },
    close() {
      // Inputs first (spool, monitors: they commit through the service), then the stream: read no
      // more, commit and acknowledge the batch in hand; then the slow path; the store last.
      closing ??= (async () => {
        try {
          await drain.close();
          await firstDrain;
          await monitors.close();
          await service.close();
          await slowPath?.close();
          await slowStart;
        } finally {
          for (const client of slowRedis ? [slowRedis.reader, slowRedis.commands] : []) client.disconnect();
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
    slowPathStats: () => slowPath?.stats(),
    rebuildMetrics: async () => slowPath?.rebuild(),
  };
};
