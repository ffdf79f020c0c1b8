// Local API benchmark (`npm run bench:api`): the real daemon (dist/core/cli.js start, with the
// runtime flags `start --detach` gives it) against a private redis-server, with many events stored.
//   - store: BENCH_API_EVENTS (or --events, default 1,000,000) events of realistic sessions of both
//     IDEs (the synthetic mix of test/support/ingest-events.ts), generated first, then XADDed in
//     pipelines of 500 to the events stream. The producer pauses while the slow path is more than
//     --cdc-headroom (default 150,000) CDC entries behind, so the fast path's safety cap on the CDC
//     stream (250,000) never trims entries the workers have not read. Prints how long until the
//     daemon had stored them (status eventsStored, fast-path group drained) and until the slow
//     path had caught up (CDC workers group drained, GET /sessions total no longer moving). Past
//     --max-store-seconds (default 900) it stops waiting and measures what is stored by then.
//   - latency of the REST API: one keep-alive connection (node:http Agent), sequential requests,
//     --warmup (default 50) then --requests (default 500) per endpoint; p50/p95/p99 of the whole
//     request (headers to last byte of the body). Floor: a bare node:http server in this process
//     answering a fixed small JSON to the same client, measured in the same run (before and after
//     the endpoints, pooled).
//   - RSS of the daemon at the end (VmRSS) and its peak (VmHWM).
// Prints targets and PASS/MISS. A benchmark, not a test: it always exits 0.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, fixed, option, percentile, statusMb } from './bench-format.mjs';
import { groupBacklog, row, sleep, waitUntil } from './bench-waits.mjs';

const EVENTS = Number(process.env.BENCH_API_EVENTS) > 0 ? Math.floor(Number(process.env.BENCH_API_EVENTS)) : option('events', 1_000_000);
const REQUESTS = option('requests', 500);
const WARMUP = option('warmup', 50);
const CDC_HEADROOM = option('cdc-headroom', 150_000);
const MAX_STORE_SECONDS = option('max-store-seconds', 900);
const TARGET_P95_MS = 20;
const CHUNK = 20_000; // events generated per seed: sessions are cut only at chunk ends
const PIPELINE = 500;


/** One GET on the keep-alive agent: status, body and the time from sending to the last byte, in ms. */
function get(agent, port, path, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks), ms: performance.now() - started }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** WARMUP then REQUESTS sequential GETs of one path; throws on any answer but 200. */
async function measure(agent, port, path, headers, times = []) {
  let bytes = 0;
  for (let index = 0; index < WARMUP + REQUESTS; index++) {
    const answer = await get(agent, port, path, headers);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
    if (index >= WARMUP) times.push(answer.ms);
    bytes = answer.body.length;
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), bytes, times };
}

async function main() {
  const { startRedis } = await import('../support/redis-server.ts');
  const { syntheticEvents } = await import('../support/ingest-events.ts');
  const { streamEntryFields } = await import('../../core/event/envelope.ts');
  const { redisKeys } = await import('../../core/redis-keys.ts');
  const { DAEMON_NODE_FLAGS } = await import('../../core/daemon/detach.ts');
  const { Redis } = await import('ioredis');

  const home = mkdtempSync(join(tmpdir(), 'blueplane-bench-api-'));
  let redis;
  let producer;
  let daemon;
  let floor;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let stopping = false;
  const cleanUp = async () => {
    if (stopping) return;
    stopping = true;
    agent.destroy();
    if (floor) await new Promise((resolve) => (floor.close(() => resolve()), floor.closeAllConnections()));
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    producer?.disconnect();
    await redis?.stop();
    rmSync(home, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanUp().then(() => process.exit(130)));
  try {
    redis = await startRedis();
    const prefix = 'bench:';
    const keys = redisKeys(prefix);
    producer = new Redis(redis.url, { protocol: 2 });
    const env = { ...process.env, BLUEPLANE_HOME: home, BLUEPLANE_REDIS_URL: redis.url, BLUEPLANE_REDIS_PREFIX: prefix, BLUEPLANE_CLAUDE_PROJECTS: join(home, 'none'), BLUEPLANE_CURSOR_USER_DIRS: join(home, 'none'), BLUEPLANE_API_PORT: '0' };
    delete env.NODE_EXTRA_CA_CERTS;
    const cli = new URL('../../dist/core/cli.js', import.meta.url).pathname;
    const status = () =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [cli, 'status', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.on('close', () => {
          try {
            resolve(JSON.parse(out));
          } catch {
            resolve(undefined);
          }
        });
      });
    console.log(`API benchmark: the daemon (${cli}) with ${count(EVENTS)} events stored, ${REQUESTS} requests per endpoint after ${WARMUP} warm-up, one keep-alive connection; Node ${process.version}`);

    // Generate first, so the producer does not take CPU from the daemon while it stores.
    const genStart = performance.now();
    const batches = [];
    let startMs = Date.now() - EVENTS * 451; // ~451 ms between events on average: the last ones land about now
    for (let offset = 0, seed = 1; offset < EVENTS; offset += CHUNK, seed++) {
      const events = syntheticEvents(Math.min(CHUNK, EVENTS - offset), 9000 + seed, startMs);
      startMs = Date.parse(events[events.length - 1].timestamp) + 1;
      for (let index = 0; index < events.length; index += PIPELINE) batches.push(events.slice(index, index + PIPELINE).map(streamEntryFields));
    }
    row('generated events (bench process)', `${count(EVENTS)} in ${fixed((performance.now() - genStart) / 1000, 1)} s`);

    daemon = spawn(process.execPath, [...DAEMON_NODE_FLAGS, cli, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const ready = await waitUntil(async () => existsSync(join(home, 'api.json')) && (await producer.exists(keys.cdc)) && (await groupBacklog(producer, keys.cdc, 'workers')) !== Infinity, 30_000, 50);
    if (!ready) throw new Error('the daemon did not serve the API and create the workers group within 30 s');
    const { port } = JSON.parse(readFileSync(join(home, 'api.json'), 'utf8'));
    const token = readFileSync(join(home, 'api-token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const sessionsTotal = async () => {
      const answer = await get(agent, port, '/api/v1/sessions?limit=1', headers);
      return answer.status === 200 ? JSON.parse(answer.body.toString()).total : NaN;
    };

    // Store.
    const storeStart = performance.now();
    const deadline = storeStart + MAX_STORE_SECONDS * 1000;
    let paused = 0;
    let sent = 0;
    let lastReport = storeStart;
    const progress = async (what) => {
      if (performance.now() - lastReport < 30_000) return;
      lastReport = performance.now();
      const figures = await status();
      console.log(`  ... ${fixed((lastReport - storeStart) / 1000, 0)} s: ${what}, ${count(sent)} sent, ${count(figures?.eventsStored)} stored, ${count(figures?.slowPath?.acknowledged)} CDC entries acknowledged`);
    };
    for (const batch of batches) {
      if (performance.now() > deadline) break;
      while ((await groupBacklog(producer, keys.cdc, 'workers')) > CDC_HEADROOM && performance.now() < deadline) {
        const before = performance.now();
        await sleep(250);
        paused += performance.now() - before;
        await progress('producer paused for the slow path');
      }
      const pipeline = producer.pipeline();
      for (const fields of batch) pipeline.xadd(keys.events, '*', ...fields);
      await pipeline.exec();
      sent += batch.length;
      await progress('sending');
    }
    batches.length = 0;
    const xaddDone = performance.now();
    const storedAt = await waitUntil(async () => {
      await progress('waiting for the fast path');
      return (await groupBacklog(producer, keys.events, 'processors')) === 0 ? performance.now() : undefined;
    }, Math.max(0, deadline - performance.now()), 250);
    const afterStore = await status();
    const caughtUpAt = await waitUntil(async () => {
      await progress('waiting for the slow path');
      return (await groupBacklog(producer, keys.cdc, 'workers')) === 0 ? performance.now() : undefined;
    }, Math.max(0, deadline - performance.now()), 250);
    // The slow path has acknowledged everything; wait until the session count stops moving too.
    let total = await sessionsTotal();
    const settledAt = await waitUntil(async () => {
      const next = await sessionsTotal();
      const same = next === total;
      total = next;
      return same ? performance.now() : undefined;
    }, 30_000, 1000);
    const figures = await status();
    const seconds = (at) => (at ? `${fixed((at - storeStart) / 1000, 1)} s` : `not within ${MAX_STORE_SECONDS} s`);
    if (sent < EVENTS || !storedAt || !caughtUpAt) console.log(`  (the store did not finish within --max-store-seconds ${MAX_STORE_SECONDS}: measuring what is stored)`);
    row('store: events sent (pipelined XADD)', `${count(sent)} in ${fixed((xaddDone - storeStart) / 1000, 1)} s`, '', paused > 0 ? `paused ${fixed(paused / 1000, 1)} s for the slow path` : '');
    row('  stored by the fast path', `${seconds(storedAt)} (${count(storedAt ? sent / ((storedAt - storeStart) / 1000) : NaN)} events/s)`, '', `eventsStored ${count(afterStore?.eventsStored)}`);
    row('  slow path caught up', `${seconds(caughtUpAt)} (${count(caughtUpAt ? sent / ((caughtUpAt - storeStart) / 1000) : NaN)} events/s)`, '', `sessions settled at ${seconds(settledAt)}`);
    row('  events stored / sessions', `${count(figures?.eventsStored)} / ${count(total)}`, '', `db ${fixed((figures?.database?.sizeBytes ?? NaN) / 1024 / 1024, 0)} MB`);
    row('  CDC entries read / acked / dead-lettered', `${count(figures?.slowPath?.read)} / ${count(figures?.slowPath?.acknowledged)} / ${count(figures?.slowPath?.deadLettered)}`);
    const storedN = figures?.eventsStored ?? sent;

    // Floor: a bare node:http server answering a fixed small JSON, same client and headers.
    const floorBody = Buffer.from(JSON.stringify({ status: 'ok', sessions: 20, at: '2026-12-05T00:00:00.000Z' }));
    floor = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': floorBody.length });
      response.end(floorBody);
    });
    await new Promise((resolve) => floor.listen(0, '127.0.0.1', resolve));
    // Measured before and after the endpoints, one pool of samples, so drift on a busy machine shows in both.
    const floorAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    let floorResult = await measure(floorAgent, floor.address().port, '/api/v1/health', headers);

    // A session with many turns, from the first page of 500.
    const page = await get(agent, port, '/api/v1/sessions?limit=500', headers);
    if (page.status !== 200) throw new Error(`GET /api/v1/sessions answered ${page.status}`);
    const sessions = JSON.parse(page.body.toString()).sessions;
    if (sessions.length === 0) throw new Error('no sessions stored: nothing to time for one session');
    const busiest = sessions.reduce((best, session) => (session.turn_count > best.turn_count ? session : best));
    const sessionPath = `/api/v1/sessions/${encodeURIComponent(busiest.id)}`;

    console.log(`\nLatency, ${count(storedN)} events / ${count(total)} sessions stored; session ${busiest.id} (${busiest.platform}, ${busiest.turn_count} turns, ${busiest.tool_call_count} tool calls)`);
    const endpoints = [
      ['GET /metrics/current', '/api/v1/metrics/current'],
      ['GET /sessions?limit=20', '/api/v1/sessions?limit=20'],
      ['GET /sessions/{id}/timeline', `${sessionPath}/timeline`],
      ['GET /sessions/{id}/analysis', `${sessionPath}/analysis`],
      ['GET /metrics?period=24h', '/api/v1/metrics?period=24h'],
    ];
    const results = [];
    for (const [label, path] of endpoints) results.push([label, await measure(agent, port, path, headers)]);
    floorResult = await measure(floorAgent, floor.address().port, '/api/v1/health', headers, floorResult.times);
    floorAgent.destroy();
    for (const [label, result] of results) {
      row(label, `p50 ${fixed(result.p50, 2)} / p95 ${fixed(result.p95, 2)} / p99 ${fixed(result.p99, 2)} ms`, `p95 <= ${TARGET_P95_MS} ms`, `${result.p95 <= TARGET_P95_MS ? 'PASS' : 'MISS'}  p95 = ${fixed(result.p95 / floorResult.p95, 1)}x floor, ${count(result.bytes)} B`);
    }
    row('  floor: bare node:http, fixed JSON', `p50 ${fixed(floorResult.p50, 3)} / p95 ${fixed(floorResult.p95, 3)} / p99 ${fixed(floorResult.p99, 3)} ms`, '', `${floorResult.times.length} requests, ${count(floorResult.bytes)} B`);
    row('RSS of the daemon at the end / peak', `${fixed(statusMb('VmRSS', daemon.pid))} / ${fixed(statusMb('VmHWM', daemon.pid))} MB`);
  } catch (error) {
    console.log(`benchmark failed: ${error.message}`);
  } finally {
    await cleanUp();
  }
}

await main();
