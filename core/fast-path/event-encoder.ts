// Where validation and compression run: on the ingest thread, or in one worker thread so they
// overlap with the SQLite write and the Redis I/O of the neighbouring batches. JSON.parse, identifier
// packing and deflate cost ~30 µs per event, close to half of the ingest thread's work. Measured
// with test/bench/ingest.mjs on the 2-core machine (100k-event flood): inline, 13–14k events/s
// (one thread, ~68 µs CPU per event); with the worker, 19–24k events/s when the machine is
// otherwise quiet (13–15k while other processes keep both cores busy), for ~10 MB more RSS.
//
// The worker entry is encoder-worker.ts, bundled as encoder-worker.js next to the daemon bundle
// (scripts/build.mjs must emit it). Without it, or if the worker dies, encoding runs inline:
// slower, never wrong.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Log } from '../log.ts';
import type { EncodedEvent } from '../storage/event-codec.ts';
import type { DeadLetterReason } from './dead-letters.ts';
import { encodeEntry } from './entry-encoding.ts';
import type { EncodedEntry } from './entry-encoding.ts';

const WORKER_YOUNG_GENERATION_MB = 3;
const WORKER_OLD_GENERATION_MB = 32;

export interface EventEncoder {
  readonly threaded: boolean;
  /** Validates and encodes entries (field/value lists), results in the same order. Rejects only if a worker dies. */
  encode(entries: ReadonlyArray<readonly string[]>): Promise<EncodedEntry[]>;
  close(): Promise<void>;
}

/** What crosses the thread boundary: columns and the place of each event's bytes in one transferred buffer. */
export type WireEntry =
  | { ok: true; columns: Omit<EncodedEvent, 'event_data'>; offset: number; length: number }
  | { ok: false; reason: DeadLetterReason; detail: string };

export interface EncodeRequest {
  id: number;
  entries: ReadonlyArray<readonly string[]>;
}

export interface EncodeReply {
  id: number;
  entries: WireEntry[];
  data: ArrayBuffer;
}

/** Worker side: encodes a batch and lays all compressed bytes out in one buffer to transfer. */
export function encodeForTransfer(request: EncodeRequest): EncodeReply {
  const results = request.entries.map(encodeEntry);
  let size = 0;
  for (const result of results) if (result.ok) size += result.encoded.event_data.length;
  const data = new ArrayBuffer(size);
  const bytes = new Uint8Array(data);
  let offset = 0;
  const entries = results.map((result): WireEntry => {
    if (!result.ok) return result;
    const { event_data: eventData, ...columns } = result.encoded;
    bytes.set(eventData, offset);
    offset += eventData.length;
    return { ok: true, columns, offset: offset - eventData.length, length: eventData.length };
  });
  return { id: request.id, entries, data };
}

function fromWire(reply: EncodeReply): EncodedEntry[] {
  return reply.entries.map((entry) =>
    entry.ok ? { ok: true, encoded: { ...entry.columns, event_data: Buffer.from(reply.data, entry.offset, entry.length) } } : entry,
  );
}

export const inlineEncoder: EventEncoder = {
  threaded: false,
  encode: (entries) => Promise.resolve(entries.map(encodeEntry)),
  close: () => Promise.resolve(),
};

class WorkerEncoder implements EventEncoder {
  readonly threaded = true;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (entries: EncodedEntry[]) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(script: string | URL, log: Log) {
    // Its live data is one batch; without limits V8 sizes its young generation for a big heap
    // and the thread alone holds ~60 MB of garbage between collections.
    this.worker = new Worker(script, { name: 'blueplane-encoder', resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB } });
    this.worker.unref();
    this.worker.on('message', (reply: EncodeReply) => {
      const request = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      request?.resolve(fromWire(reply));
    });
    const fail = (error: Error): void => {
      if (this.failure) return;
      this.failure = error;
      log.warn('encoder_worker_failed', { error: error.message });
      for (const request of this.pending.values()) request.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`encoder worker exited with code ${code}`)));
  }

  encode(entries: ReadonlyArray<readonly string[]>): Promise<EncodedEntry[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, entries } satisfies EncodeRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('encoder closed');
    await this.worker.terminate();
  }
}

/** encoder-worker.js next to the daemon bundle (dist/core/), when running bundled. */
function bundledWorkerScript(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  const script = join(__dirname, 'encoder-worker.js');
  return existsSync(script) ? script : undefined;
}

/**
 * A worker encoder for `script` (default: the bundled one, if present), or inline when there is
 * none or `script` is false.
 */
export function createEventEncoder(script: string | URL | false | undefined, log: Log): EventEncoder {
  const chosen = script === false ? undefined : (script ?? bundledWorkerScript());
  if (chosen === undefined) return inlineEncoder;
  try {
    return new WorkerEncoder(chosen, log);
  } catch (error) {
    log.warn('encoder_worker_failed', { error: (error as Error).message });
    return inlineEncoder;
  }
}
