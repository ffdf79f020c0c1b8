// Ingest benchmark (`npm run bench:ingest`, or `node test/bench/ingest.mjs` with Node >= 22.18 first
// on PATH, since it runs the .ts sources and test helpers directly).
//
// From one run, against one private redis-server, with the floors measured in the same run:
//   - the fast path draining a stream flooded with 100k realistic events (events/s), next to the
//     raw pipelined XADD rate into the same Redis (Node, pipelines of 100) and the raw SQLite
//     insert rate of the same rows (plain INSERT, uncompressed JSON, only the unique index);
//   - SQLite batch write time p50/p95/p99 during that drain;
//   - XADD → committed row latency p50/p95/p99 at 1,000 events/s offered (one XADD per event,
//     as hooks send them);
//   - bytes per stored event (event_data, and the whole database per row) and the compression
//     ratio of the stored JSON;
//   - peak RSS (VmHWM) of the ingest process: the service runs in a child process, encoder worker
//     included, bundled like the daemon; once with the heap flags the daemon should use, once
//     with Node's defaults;
//   - synchronous=NORMAL vs FULL for the same batches (why telemetry-store.ts picks NORMAL).
// Prints targets and PASS/MISS per row. A benchmark, not a test: it always exits 0.
//
// Options: --events N (flood size, default 100000), --rate-seconds S (default 15), --rate R
// (default 1000 events/s), --sync-batches B (default 300), --inline (no encoder worker),
// --node-flags "..." (heap flags of the ingest process, default --max-semi-space-size=2).
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, fixed, option, percentile, statusMb } from './bench-format.mjs';

const FLOOD_EVENTS = option('events', 100_000);
const RATE_SECONDS = option('rate-seconds', 15);
const RATE = option('rate', 1000);
const SYNC_BATCHES = option('sync-batches', 300);
/** --inline: validation and compression on the ingest thread instead of the encoder worker. */
const INLINE = process.argv.includes('--inline');
// The heap flags the daemon should run with (see the report below and the daemon's launcher): a
// small young generation keeps RSS near 135 MB instead of ~240 MB for ~5 µs more GC per event.
const DAEMON_NODE_FLAGS = (process.argv.includes('--node-flags') ? process.argv[process.argv.indexOf('--node-flags') + 1] : '--max-semi-space-size=2').split(' ').filter(Boolean);

const TARGETS = {
  eventsPerSecond: 15_000,
  batchP95Ms: 8,
  latencyP95Ms: 25,
  compression: 3.5,
  rssMb: 150,
};

const now = () => performance.timeOrigin + performance.now();


// ---------------------------------------------------------------------------------------------
// Parent: floors, the two runs, the synchronous comparison, the report.
// ---------------------------------------------------------------------------------------------
/**
 * The ingest process: ingest-child.ts and the encoder worker bundled with esbuild the way the
 * daemon is shipped (plain JS, CommonJS, encoder-worker.js next to it, better-sqlite3 external), so
 * its memory and speed are the daemon's, not those of Node stripping TypeScript at run time.
 */
async function bundleIngestProcess() {
  const esbuild = await import('esbuild');
  const folder = new URL('../../.bench-output/ingest/', import.meta.url).pathname;
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', logLevel: 'warning', external: ['better-sqlite3'] };
  await esbuild.build({ ...common, entryPoints: [new URL('./ingest-child.ts', import.meta.url).pathname], outfile: join(folder, 'ingest-child.cjs') });
  await esbuild.build({ ...common, entryPoints: [new URL('../../core/fast-path/encoder-worker.ts', import.meta.url).pathname], outfile: join(folder, 'encoder-worker.js') });
  return join(folder, 'ingest-child.cjs');
}

/** utime + stime of a process from /proc/<pid>/stat, in ms (clock ticks are 10 ms on Linux). */
function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

class IngestProcess {
  constructor(script, settings, flags = DAEMON_NODE_FLAGS) {
    this.process = fork(script, [JSON.stringify(settings)], { execArgv: flags, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.waiters = [];
    this.process.on('message', (message) => {
      const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) this.waiters.splice(index, 1)[0].resolve(message);
    });
  }

  expect(type) {
    return new Promise((resolve) => this.waiters.push({ type, resolve }));
  }

  async ask(message, reply) {
    const answer = this.expect(reply);
    this.process.send(message);
    return answer;
  }

  /** Resident set of the ingest process (VmRSS), or its peak so far (VmHWM), from the kernel, in MB. */
  rssMb(field = 'VmHWM') {
    return statusMb(field, this.process.pid);
  }

  /** CPU time (user + system, all threads) the ingest process has used so far, in ms. */
  cpuMs() {
    return processCpuMs(this.process.pid);
  }

  async exit() {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.send({ type: 'exit' });
    await exited;
  }
}

async function parent() {
  const { startRedis } = await import('../support/redis-server.ts');
  const { syntheticEvents, fixtureEvents } = await import('../support/ingest-events.ts');
  const { streamEntryFields } = await import('../../core/event/envelope.ts');
  const { encodeEvent } = await import('../../core/storage/event-codec.ts');
  const { TelemetryStore } = await import('../../core/storage/telemetry-store.ts');
  const { silentLog } = await import('../../core/log.ts');
  const { Redis } = await import('ioredis');
  const Database = (await import('better-sqlite3')).default;

  const work = mkdtempSync(join(tmpdir(), 'blueplane-bench-ingest-'));
  const redis = await startRedis();
  const producer = new Redis(redis.url, { protocol: 2 });
  const results = [];
  try {
    console.log(`Ingest benchmark: ${FLOOD_EVENTS.toLocaleString('en-US')} events flood, ${RATE}/s for ${RATE_SECONDS} s, Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs`);
    process.stdout.write('building realistic events (capture code over the fixtures and a synthetic session mix)... ');
    const fixtures = fixtureEvents();
    const flood = [...fixtures, ...syntheticEvents(FLOOD_EVENTS - fixtures.length, 101)];
    const paced = syntheticEvents(Math.ceil(RATE * RATE_SECONDS), 202, Date.UTC(2026, 7, 23, 9));
    const floodFields = flood.map(streamEntryFields);
    console.log('done');

    // Floor 1: raw pipelined XADD into the same Redis.
    const floorKey = 'bench:floor:xadd';
    let started = performance.now();
    for (let i = 0; i < floodFields.length; i += 100) {
      const pipeline = producer.pipeline();
      for (const fields of floodFields.slice(i, i + 100)) pipeline.call('XADD', floorKey, '*', ...fields);
      await pipeline.exec();
    }
    const xaddPerSecond = (floodFields.length / (performance.now() - started)) * 1000;
    await producer.call('DEL', floorKey);

    // Floor 2: raw SQLite insert of the same rows: uncompressed JSON, only the unique index.
    const floorDb = new Database(join(work, 'floor.db'));
    floorDb.pragma('journal_mode = WAL');
    floorDb.pragma('synchronous = NORMAL');
    floorDb.exec(`CREATE TABLE raw (sequence INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, session_id TEXT, event_type TEXT,
      platform TEXT, timestamp TEXT, workspace_hash TEXT, model TEXT, tool_name TEXT, duration_ms INTEGER, event_data BLOB)`);
    const insertRaw = floorDb.prepare('INSERT INTO raw (event_id, session_id, event_type, platform, timestamp, workspace_hash, model, tool_name, duration_ms, event_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const rawRows = flood.map((event) => [event.event_id, event.session_id, event.event_type, event.platform, event.timestamp, event.metadata.workspace_hash ?? null, event.metadata.model ?? null, event.payload.tool ?? null, event.payload.duration_ms ?? null, Buffer.from(JSON.stringify(event))]);
    const insertMany = floorDb.transaction((rows) => {
      for (const row of rows) insertRaw.run(...row);
    });
    started = performance.now();
    for (let i = 0; i < rawRows.length; i += 100) insertMany(rawRows.slice(i, i + 100));
    const sqlitePerSecond = (rawRows.length / (performance.now() - started)) * 1000;
    floorDb.close();

    // Run 1: drain a stream flooded with every event, the service in its own process, with the
    // heap flags the daemon should run with; then the same with Node's defaults, for its RSS.
    const script = await bundleIngestProcess();
    const runFlood = async (name, flags) => {
      const prefix = `bench:${name}:`;
      for (let i = 0; i < floodFields.length; i += 100) {
        const pipeline = producer.pipeline();
        for (const fields of floodFields.slice(i, i + 100)) pipeline.call('XADD', `${prefix}telemetry:events`, '*', ...fields);
        await pipeline.exec();
      }
      const dbFile = join(work, `${name}.db`);
      const ingest = new IngestProcess(script, { home: join(work, name), dbFile, redisUrl: redis.url, prefix, recordCommits: false, inline: INLINE }, flags);
      await ingest.expect('ready');
      const rssOpen = ingest.rssMb('VmRSS');
      const redisPid = Number((await producer.call('INFO', 'server')).match(/process_id:(\d+)/)[1]);
      const cpuBefore = ingest.cpuMs();
      const redisCpuBefore = processCpuMs(redisPid);
      const { startedAt } = await ingest.ask({ type: 'start' }, 'started');
      const rssStarted = ingest.rssMb('VmRSS');
      const { lastCommitAt } = await ingest.ask({ type: 'wait-stored', events: flood.length }, 'stored');
      const run = {
        perSecond: (flood.length / (lastCommitAt - startedAt)) * 1000,
        cpuUs: ((ingest.cpuMs() - cpuBefore) / flood.length) * 1000,
        redisCpuUs: ((processCpuMs(redisPid) - redisCpuBefore) / flood.length) * 1000,
        load: readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
        report: await ingest.ask({ type: 'report' }, 'report'),
        rssOpen,
        rssStarted,
        peakRssMb: ingest.rssMb('VmHWM'),
      };
      await ingest.exit();
      run.databaseBytes = statSync(dbFile).size;
      await producer.call('DEL', `${prefix}telemetry:events`, `${prefix}cdc:events`);
      return run;
    };
    const floodRun = await runFlood('flood', DAEMON_NODE_FLAGS);
    const defaultsRun = await runFlood('flood-defaults', []);
    const { report: floodReport, perSecond: drainPerSecond, peakRssMb, databaseBytes } = floodRun;
    const batchTimes = floodReport.batchMs;

    // Run 2: 1,000 events/s offered, one XADD per event, XADD → committed row.
    const pacedPrefix = 'bench:paced:';
    const paced1k = new IngestProcess(script, { home: join(work, 'paced'), dbFile: join(work, 'paced.db'), redisUrl: redis.url, prefix: pacedPrefix, recordCommits: true, inline: INLINE });
    await paced1k.expect('ready');
    await paced1k.ask({ type: 'start' }, 'started');
    const sentAt = new Map();
    const hook = new Redis(redis.url, { protocol: 2 });
    const pacedStart = now();
    let sent = 0;
    const inFlight = [];
    while (sent < paced.length) {
      const due = Math.min(paced.length, Math.floor(((now() - pacedStart) / 1000) * RATE) + 1);
      while (sent < due) {
        const event = paced[sent++];
        sentAt.set(event.event_id, now());
        inFlight.push(hook.call('XADD', `${pacedPrefix}telemetry:events`, '*', ...streamEntryFields(event)));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
    const offeredPerSecond = (paced.length / (now() - pacedStart)) * 1000;
    await paced1k.ask({ type: 'wait-stored', events: paced.length }, 'stored');
    const pacedReport = await paced1k.ask({ type: 'report' }, 'report');
    await paced1k.exit();
    await hook.quit();
    const latencies = pacedReport.commits.map(([eventId, committedAt]) => committedAt - sentAt.get(eventId));

    // synchronous=NORMAL vs FULL, same encoded batches, checkpoints between batches as in the daemon.
    const encoded = flood.slice(0, SYNC_BATCHES * 100).map((event) => encodeEvent(event));
    const syncRows = [];
    for (const synchronous of ['NORMAL', 'FULL', 'NORMAL', 'FULL']) {
      const dbFile = join(work, `sync-${synchronous}-${syncRows.length}.db`);
      const store = TelemetryStore.open(dbFile, silentLog, { synchronous });
      const times = [];
      started = performance.now();
      for (let i = 0; i < encoded.length; i += 100) {
        const batchStarted = performance.now();
        store.insertBatch(encoded.slice(i, i + 100));
        times.push(performance.now() - batchStarted);
        if (i % 2500 === 0) store.checkpointNow();
      }
      syncRows.push({ synchronous, perSecond: (encoded.length / (performance.now() - started)) * 1000, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) });
      store.close();
    }

    // Report.
    const batchP95 = percentile(batchTimes, 95);
    const latencyP95 = percentile(latencies, 95);
    const compression = floodReport.jsonBytes / floodReport.dataBytes;
    results.push(
      [`sustained drain of a ${Math.round(FLOOD_EVENTS / 1000)}k flood`, `${count(drainPerSecond)} events/s`, `>= ${count(TARGETS.eventsPerSecond)}/s`, drainPerSecond >= TARGETS.eventsPerSecond],
      ['  CPU per event: ingest process / Redis', `${fixed(floodRun.cpuUs, 0)} / ${fixed(floodRun.redisCpuUs, 0)} µs (load average ${floodRun.load})`, '', null],
      ['  floor: raw XADD, pipeline of 100', `${count(xaddPerSecond)} events/s`, `drain = ${fixed(drainPerSecond / xaddPerSecond, 2)}x of it`, null],
      ['  floor: raw SQLite INSERT, same rows', `${count(sqlitePerSecond)} rows/s`, `drain = ${fixed(drainPerSecond / sqlitePerSecond, 2)}x of it`, null],
      ['batch write (one transaction)', `p50 ${fixed(percentile(batchTimes, 50), 2)} / p95 ${fixed(batchP95, 2)} / p99 ${fixed(percentile(batchTimes, 99), 2)} ms`, `p95 <= ${TARGETS.batchP95Ms} ms`, batchP95 <= TARGETS.batchP95Ms],
      ['  batches, mean size', `${count(batchTimes.length)}, ${fixed(flood.length / batchTimes.length, 1)} events`, '', null],
      [`XADD -> committed row at ${RATE}/s`, `p50 ${fixed(percentile(latencies, 50), 2)} / p95 ${fixed(latencyP95, 2)} / p99 ${fixed(percentile(latencies, 99), 2)} ms`, `p95 <= ${TARGETS.latencyP95Ms} ms`, latencyP95 <= TARGETS.latencyP95Ms],
      ['  offered rate, events measured', `${count(offeredPerSecond)}/s, ${count(latencies.length)}`, '', null],
      ['compression of stored JSON (per event)', `${fixed(compression, 2)}x (${fixed(floodReport.jsonBytes / floodReport.rows, 0)} -> ${fixed(floodReport.dataBytes / floodReport.rows, 0)} bytes)`, `>= ${TARGETS.compression}x`, compression >= TARGETS.compression],
      ['  database bytes per stored event', `${fixed(databaseBytes / floodReport.rows, 0)} bytes (columns and 4 indexes included)`, '', null],
      ['peak RSS of the ingest process', `${fixed(peakRssMb, 1)} MB (node ${DAEMON_NODE_FLAGS.join(' ') || 'defaults'})`, `<= ${TARGETS.rssMb} MB`, peakRssMb <= TARGETS.rssMb],
      ['  RSS: store open / service started', `${fixed(floodRun.rssOpen, 1)} / ${fixed(floodRun.rssStarted, 1)} MB`, '', null],
      ['  peaks of the ingest thread\'s JS heap', `total ${fixed(floodReport.memoryPeaks.heapTotal / 1048576, 1)} / used ${fixed(floodReport.memoryPeaks.heapUsed / 1048576, 1)} MB`, '', null],
      ['  same drain with Node\'s default heap', `${fixed(defaultsRun.peakRssMb, 1)} MB, ${count(defaultsRun.perSecond)} events/s, ${fixed(defaultsRun.cpuUs, 0)} µs CPU/event`, '', null],
    );
    for (const row of syncRows) {
      results.push([`  synchronous=${row.synchronous}, batches of 100`, `p50 ${fixed(row.p50, 2)} / p95 ${fixed(row.p95, 2)} / p99 ${fixed(row.p99, 2)} ms, ${count(row.perSecond)} rows/s`, '', null]);
    }
    const width = Math.max(...results.map(([name]) => name.length));
    const valueWidth = Math.max(...results.map(([, value]) => value.length));
    console.log('');
    for (const [name, value, target, pass] of results) {
      const verdict = pass === null ? '' : pass ? 'PASS' : 'MISS';
      console.log(`${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target.padEnd(26)}  ${verdict}`);
    }
    const stats = floodReport.stats;
    console.log(`\nflood run: ${count(stats.eventsStored)} stored, ${count(stats.duplicates)} duplicates, ${count(stats.deadLetters)} dead letters, ${count(stats.cdcPublished)} CDC entries, encoder thread ${stats.encoderThreads ? 'yes' : 'no'}; database ${fixed(databaseBytes / 1e6, 1)} MB`);
  } finally {
    await producer.quit().catch(() => {});
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await parent();
} catch (error) {
  console.error(`benchmark failed: ${error instanceof Error ? error.stack : error}`);
}
process.exit(0);
