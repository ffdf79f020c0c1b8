// Slow-path benchmark (`npm run bench:slow-path`): the real daemon (dist/core/cli.js start, with the
// runtime flags `start --detach` gives it) against a private redis-server, with the floors
// measured in the same run.
//   - XADD → updated metric in Redis: events offered one XADD at a time at --rate (default 100/s)
//     for --seconds (default 20); an event counts as seen once its session's snapshot
//     (metrics:session:<uuid>, field `events`) includes it, read on each message of the metrics
//     updates channel. Floor: the XADD round trip itself, measured interleaved in the same run.
//   - worker throughput: a flood of --flood events (default 20,000) XADDed at once; the time until
//     the fast path has stored them and until the workers have acknowledged every CDC entry.
//     Floor: the raw pipelined XADD rate into the same Redis.
//   - peak RSS of the daemon (VmHWM).
// Prints targets and PASS/MISS. A benchmark, not a test: it always exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, fixed, option, percentile, statusMb } from './bench-format.mjs';
import { groupBacklog, row, sleep, waitUntil } from './bench-waits.mjs';

const RATE = option('rate', 100);
const SECONDS = option('seconds', 20);
const FLOOD = option('flood', 20_000);
const TARGET_P95_MS = 250;


async function main() {
  const { startRedis } = await import('../support/redis-server.ts');
  const { syntheticEvents } = await import('../support/ingest-events.ts');
  const { streamEntryFields } = await import('../../core/event/envelope.ts');
  const { redisKeys } = await import('../../core/redis-keys.ts');
  const { DAEMON_NODE_FLAGS } = await import('../../core/daemon/detach.ts');
  const { Redis } = await import('ioredis');

  const home = mkdtempSync(join(tmpdir(), 'blueplane-bench-slow-'));
  const redis = await startRedis();
  const prefix = 'bench:';
  const keys = redisKeys(prefix);
  const producer = new Redis(redis.url, { protocol: 2 });
  const reader = new Redis(redis.url, { protocol: 2 });
  const subscriber = new Redis(redis.url, { protocol: 2 });
  const env = { ...process.env, BLUEPLANE_HOME: home, BLUEPLANE_REDIS_URL: redis.url, BLUEPLANE_REDIS_PREFIX: prefix, BLUEPLANE_CLAUDE_PROJECTS: join(home, 'none'), BLUEPLANE_CURSOR_USER_DIRS: join(home, 'none'), BLUEPLANE_API_PORT: '0' };
  delete env.NODE_EXTRA_CA_CERTS;
  const cli = new URL('../../dist/core/cli.js', import.meta.url).pathname;
  const daemon = spawn(process.execPath, [...DAEMON_NODE_FLAGS, cli, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  let stopping = false;
  const cleanUp = async () => {
    if (stopping) return;
    stopping = true;
    daemon.kill('SIGTERM');
    await new Promise((resolve) => (daemon.exitCode !== null ? resolve() : daemon.once('exit', resolve)));
    for (const client of [producer, reader, subscriber]) client.disconnect();
    await redis.stop();
    rmSync(home, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanUp().then(() => process.exit(130)));
  try {
    console.log(`Slow-path benchmark: the daemon (${cli}), ${RATE} events/s for ${SECONDS} s, then a flood of ${count(FLOOD)}; Node ${process.version}`);
    const ready = await waitUntil(async () => (await producer.exists(keys.cdc)) && (await groupBacklog(producer, keys.cdc, 'workers')) !== Infinity, 30_000);
    if (!ready) throw new Error('the daemon did not create the workers group within 30 s');

    // XADD → metric, paced.
    const paced = syntheticEvents(RATE * SECONDS, 303, Date.now() - RATE * SECONDS * 500);
    const sessionOf = (event) => `${event.platform}\u0000${event.session_id}`;
    const sentAt = new Map(); // session → send times in order
    const seen = new Map(); // session → how many of its events the snapshot has shown
    const latencies = [];
    const xaddRtt = [];
    subscriber.on('message', (_channel, text) => {
      const received = performance.now();
      let message;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      if (message.type !== 'sessions') return;
      for (const uuid of message.session_uuids) {
        void reader.hmget(keys.sessionMetrics(uuid), 'platform', 'session_id', 'events').then(([platform, sessionId, events]) => {
          const session = `${platform}\u0000${sessionId}`;
          const times = sentAt.get(session) ?? [];
          const shown = Math.min(Number(events), times.length);
          for (let index = seen.get(session) ?? 0; index < shown; index++) latencies.push(received - times[index]);
          seen.set(session, Math.max(seen.get(session) ?? 0, shown));
        });
      }
    });
    await subscriber.subscribe(keys.metricsUpdates);
    const started = performance.now();
    for (let index = 0; index < paced.length; index++) {
      const due = started + (index * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const event = paced[index];
      const session = sessionOf(event);
      if (!sentAt.has(session)) sentAt.set(session, []);
      const before = performance.now();
      sentAt.get(session).push(before);
      await producer.xadd(keys.events, '*', ...streamEntryFields(event));
      xaddRtt.push(performance.now() - before);
    }
    await waitUntil(() => latencies.length >= paced.length, 15_000);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    const rttP50 = percentile(xaddRtt, 50);
    row('XADD -> metric in Redis, paced', `p50 ${fixed(p50)} / p95 ${fixed(p95)} / p99 ${fixed(percentile(latencies, 99))} ms`, `p95 <= ${TARGET_P95_MS} ms`, p95 <= TARGET_P95_MS ? 'PASS' : 'MISS');
    row('  events seen / offered, sessions', `${count(latencies.length)} / ${count(paced.length)}, ${sentAt.size} sessions`);
    row('  floor: XADD round trip, same run', `p50 ${fixed(rttP50, 2)} / p95 ${fixed(percentile(xaddRtt, 95), 2)} ms`, '', `metric p50 = ${fixed(p50 / rttP50, 0)}x of it`);

    // Worker throughput, flood.
    const flood = syntheticEvents(FLOOD, 404, Date.now() - FLOOD * 500);
    const floodStart = performance.now();
    for (let offset = 0; offset < flood.length; offset += 500) {
      const pipeline = producer.pipeline();
      for (const event of flood.slice(offset, offset + 500)) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
      await pipeline.exec();
    }
    const xaddMs = performance.now() - floodStart;
    const stored = await waitUntil(async () => ((await groupBacklog(producer, keys.events, 'processors')) === 0 ? performance.now() : undefined), 300_000, 20);
    const processed = await waitUntil(async () => ((await groupBacklog(producer, keys.cdc, 'workers')) === 0 ? performance.now() : undefined), 300_000, 20);
    const fastRate = stored ? FLOOD / ((stored - floodStart) / 1000) : NaN;
    const workerRate = processed ? FLOOD / ((processed - floodStart) / 1000) : NaN;
    row('workers: flood fully processed', `${count(workerRate)} events/s (${fixed((processed - floodStart) / 1000, 2)} s)`);
    row('  fast path: flood stored', `${count(fastRate)} events/s (${fixed((stored - floodStart) / 1000, 2)} s)`, '', `workers = ${fixed(workerRate / fastRate, 2)}x of it`);
    row('  floor: pipelined XADD of the flood', `${count(FLOOD / (xaddMs / 1000))} events/s`, '', `workers = ${fixed(workerRate / (FLOOD / (xaddMs / 1000)), 2)}x of it`);
    const status = JSON.parse(await new Promise((resolve) => {
      const child = spawn(process.execPath, [cli, 'status', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('close', () => resolve(out));
    }));
    row('  CDC entries read / acked / dead-lettered', `${count(status.slowPath?.read)} / ${count(status.slowPath?.acknowledged)} / ${count(status.slowPath?.deadLettered)}`);
    row('peak RSS of the daemon', `${fixed(statusMb('VmHWM', daemon.pid))} MB`);
  } catch (error) {
    console.log(`benchmark failed: ${error.message}`);
  } finally {
    await cleanUp();
  }
}

await main();
