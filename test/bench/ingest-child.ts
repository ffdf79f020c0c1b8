// The ingest process of the ingest benchmark (test/bench/ingest.mjs bundles and forks it; not a
// benchmark itself, hence not .mjs): one IngestService on its own telemetry.db, as the daemon runs
// it, with the store's insertBatch timed. Talks to the parent over IPC: start, wait-stored,
// report, exit.
import { DEFAULT_HOOK_LIMITS } from '../../core/config.ts';
import { IngestService } from '../../core/fast-path/ingest-service.ts';
import { silentLog } from '../../core/log.ts';
import type { EncodedEvent } from '../../core/storage/event-codec.ts';
import { TelemetryStore } from '../../core/storage/telemetry-store.ts';

interface Settings {
  home: string;
  dbFile: string;
  redisUrl: string;
  prefix: string;
  recordCommits: boolean;
  inline: boolean;
}

type Message = { type: 'start' } | { type: 'wait-stored'; events: number } | { type: 'report' } | { type: 'exit' };

function send(message: Record<string, unknown>): void {
  process.send!(message);
}

const settings = JSON.parse(process.argv[2]!) as Settings;
const now = (): number => performance.timeOrigin + performance.now();

const store = TelemetryStore.open(settings.dbFile, silentLog);
const batchMs: number[] = [];
const commitTimes: Array<[string, number]> = [];
let jsonBytes = 0;
let dataBytes = 0;
let lastCommitAt = 0;
const insertBatch = store.insertBatch.bind(store);
store.insertBatch = (encoded: readonly EncodedEvent[]) => {
  const started = performance.now();
  const committed = insertBatch(encoded);
  const ended = performance.now();
  batchMs.push(ended - started);
  lastCommitAt = performance.timeOrigin + ended;
  for (const row of encoded) {
    jsonBytes += row.json_bytes;
    dataBytes += row.event_data.length;
  }
  if (settings.recordCommits) for (const row of committed) commitTimes.push([row.event_id, lastCommitAt]);
  return committed;
};
const config = { home: settings.home, redisUrl: settings.redisUrl, redisPrefix: settings.prefix, hook: DEFAULT_HOOK_LIMITS };
// Without encoderWorker the service finds encoder-worker.js next to this bundle, as the daemon does.
const service = new IngestService({ config, store, redis: settings.redisUrl, log: silentLog, ...(settings.inline ? { encoderWorker: false } : {}) });

// Peak of each part of the process' memory, to tell where its RSS goes.
const memoryPeaks = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
setInterval(() => {
  const usage = process.memoryUsage();
  for (const key of Object.keys(memoryPeaks) as Array<keyof typeof memoryPeaks>) memoryPeaks[key] = Math.max(memoryPeaks[key], usage[key]);
}, 100).unref();

process.on('message', async (message: Message) => {
  if (message.type === 'start') {
    const startedAt = now();
    await service.start();
    send({ type: 'started', startedAt });
  } else if (message.type === 'wait-stored') {
    while (service.stats().eventsStored < message.events) await new Promise((resolve) => setTimeout(resolve, 2));
    send({ type: 'stored', lastCommitAt });
  } else if (message.type === 'report') {
    // The last CDC+XACK script calls may still be in flight: give them a moment.
    for (let waited = 0; waited < 5000 && service.stats().cdcPublished < service.stats().eventsStored; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    send({ type: 'report', batchMs, jsonBytes, dataBytes, rows: store.eventCount(), stats: service.stats(), commits: commitTimes, memoryPeaks });
  } else if (message.type === 'exit') {
    await service.close();
    store.close();
    process.exit(0);
  }
});
send({ type: 'ready' });
