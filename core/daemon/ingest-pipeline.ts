// What the daemon needs from the ingest side (fast path, spool drain, storage), behind one small
// interface so the daemon's lifecycle does not depend on how ingestion is built.
import type { Redis } from 'ioredis';
import type { BlueplaneConfig } from '../config.ts';
import type { Log } from '../log.ts';

export interface StoreFigures {
  eventsStored: number | null;
  databaseBytes: number | null;
}

export interface IngestPipeline {
  start(): Promise<void>;
  /** Stop reading, flush and commit the current batch, acknowledge, close the store. Idempotent. */
  close(): Promise<void>;
  storeFigures(): StoreFigures;
}

export interface PipelineContext {
  config: BlueplaneConfig;
  /** Connected client, or undefined in spool-only mode (no Redis anywhere). */
  redis: Redis | undefined;
  log: Log;
}

export type PipelineFactory = (context: PipelineContext) => Promise<IngestPipeline>;
