// The daemon with its fast path, as a real process against a private Redis and a real SQLite
// file: graceful stop in a flood (everything acknowledged is committed), kill -9 at random
// moments in a flood (every event stored exactly once, database intact), and a log that never
// holds event content.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { buildEvent } from '../../core/capture/build-event.ts';
import { streamEntryFields } from '../../core/event/envelope.ts';
import type { Platform, TelemetryEvent } from '../../core/event/envelope.ts';
import { uuidV7 } from '../../core/event/uuid-v7.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { SqliteDatabase } from '../../core/daemon/sqlite-binding.ts';
import { telemetryDatabasePath } from '../../core/daemon/ingest-pipeline.ts';
import { readFixturePayloads } from '../support/fixtures.ts';
import { tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';
import { daemonEnv, ensureBuiltCli, killIfAlive, killLeftovers, runCli, startForeground, statusJson, waitFor } from '../support/daemon-process.ts';
import type { ForegroundDaemon } from '../support/daemon-process.ts';

const SECRET = Buffer.alloc(32, 3);
const PAYLOADS: Array<[Platform, Record<string, unknown>]> = [
  ...readFixturePayloads('claude-hooks.docs.jsonl').map((raw) => ['claude_code', raw] as [Platform, Record<string, unknown>]),
  ...readFixturePayloads('cursor-hooks.jsonl').map((raw) => ['cursor', raw] as [Platform, Record<string, unknown>]),
];

/** n realistic events, as the hooks build them, each with its own event_id. */
function events(n: number): TelemetryEvent[] {
  const start = Date.now();
  return Array.from({ length: n }, (_, index) => {
    const [platform, raw] = PAYLOADS[index % PAYLOADS.length]!;
    return buildEvent(raw, { platform, env: { CLAUDE_PROJECT_DIR: '/p', CURSOR_PROJECT_DIR: '/p' }, secret: SECRET, now: start + index });
  });
}

async function xaddAll(client: Redis, key: string, batch: readonly TelemetryEvent[], chunk = 500): Promise<void> {
  for (let offset = 0; offset < batch.length; offset += chunk) {
    const pipeline = client.pipeline();
    for (const event of batch.slice(offset, offset + chunk)) pipeline.xadd(key, '*', ...streamEntryFields(event));
    await pipeline.exec();
  }
}

interface DatabaseCheck {
  rows: number;
  distinct: number;
  ids: Set<string>;
  integrity: string;
}

function readDatabase(home: string): DatabaseCheck {
  const db = new SqliteDatabase(telemetryDatabasePath(home), { readonly: true, fileMustExist: true });
  try {
    const rows = (db.prepare('SELECT count(*) AS n FROM raw_traces').get() as { n: number }).n;
    const ids = new Set((db.prepare('SELECT event_id FROM raw_traces').all() as Array<{ event_id: string }>).map((row) => row.event_id));
    const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
    return { rows, distinct: ids.size, ids, integrity };
  } finally {
    db.close();
  }
}

function storedCount(home: string): number {
  if (!existsSync(telemetryDatabasePath(home))) return 0;
  try {
    return readDatabase(home).rows;
  } catch {
    return 0;
  }
}

describe('daemon ingest (fast path in the daemon process)', function () {
  this.timeout(180_000);
  let redis: PrivateRedis;
  let client: Redis;
  let home: TempHome;
  let prefix: string;
  let env: Record<string, string>;
  const running: ForegroundDaemon[] = [];

  before(async () => {
    ensureBuiltCli();
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  beforeEach(() => {
    home = tempHome();
    prefix = uniquePrefix();
    env = daemonEnv(home.path, redis.url, prefix);
  });
  afterEach(() => {
    for (const daemon of running.splice(0)) killIfAlive(daemon.child.pid);
    killLeftovers(home.path);
    home.remove();
  });

  function foreground(): ForegroundDaemon {
    const daemon = startForeground(env);
    running.push(daemon);
    return daemon;
  }

  it('SIGTERM in a flood: every entry delivered to the daemon is committed and acknowledged; after a restart, no loss and no duplicate', async () => {
    const keys = redisKeys(prefix);
    const sent = events(20_000);
    await xaddAll(client, keys.events, sent);
    const daemon = foreground();
    await waitFor('the daemon storing', () => storedCount(home.path) > 0, 20_000, 10);
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    assert.equal(exit.code, 0, daemon.output());

    const groups = (await client.xinfo('GROUPS', keys.events)) as unknown[][];
    const group = groups.map((fields) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]))).find((g) => g.name === 'processors');
    assert.ok(group, 'the processors group exists');
    assert.equal(Number(group.pending), 0, 'nothing left delivered but unacknowledged');
    const delivered = (await client.xrange(keys.events, '-', String(group['last-delivered-id']))).map(([, fields]) => fields[fields.indexOf('event_id') + 1]!);
    const afterStop = readDatabase(home.path);
    assert.equal(afterStop.integrity, 'ok');
    assert.equal(afterStop.rows, afterStop.distinct);
    const missing = delivered.filter((id) => !afterStop.ids.has(id));
    assert.deepEqual(missing.length, 0, `${missing.length} acknowledged events not in SQLite`);
    assert.ok(afterStop.rows < sent.length, `the stop came in the middle of the flood (${afterStop.rows} of ${sent.length} stored)`);

    foreground();
    await waitFor('every event stored', () => storedCount(home.path) >= sent.length, 60_000, 50);
    const final = readDatabase(home.path);
    assert.equal(final.rows, sent.length);
    assert.equal(final.distinct, sent.length);
    assert.ok(sent.every((event) => final.ids.has(event.event_id)));
    const status = await statusJson(env);
    assert.equal(status.eventsStored, sent.length);
  });

  it('kill -9 at random moments during a flood, restart, repeat: every event stored exactly once and integrity_check ok', async () => {
    const keys = redisKeys(prefix);
    const sent = events(30_000);
    // The flood keeps arriving while daemons are killed and restarted.
    const flood = (async () => {
      for (let offset = 0; offset < sent.length; offset += 2000) {
        await xaddAll(client, keys.events, sent.slice(offset, offset + 2000));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    const kills: number[] = [];
    for (let round = 0; round < 6; round++) {
      const daemon = foreground();
      const delayMs = 150 + Math.floor(Math.random() * 700);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      daemon.child.kill('SIGKILL');
      await daemon.exited;
      kills.push(storedCount(home.path));
    }
    await flood;
    foreground();
    await waitFor('every event stored', () => storedCount(home.path) >= sent.length, 90_000, 50);
    // Let redelivery (XAUTOCLAIM of what the killed daemons had read) settle, then check.
    await waitFor('no pending entries', async () => (await statusJson(env)).pendingEntries === 0, 60_000, 200);
    const final = readDatabase(home.path);
    assert.equal(final.integrity, 'ok');
    assert.equal(final.rows, sent.length, `rows after kills at ${kills.join(', ')} stored`);
    assert.equal(final.distinct, sent.length);
    assert.ok(sent.every((event) => final.ids.has(event.event_id)));
  });

  it('the log never holds event content: a canary planted in valid, malformed and spooled events does not reach it', async () => {
    const keys = redisKeys(prefix);
    const canary = `CANARY${randomBytes(6).toString('hex')}`;
    const valid = events(20).map((event, index) => ({
      ...event,
      session_id: `${canary}-session-${index}`,
      hook_type: `${canary}Hook`,
      metadata: { ...event.metadata, model: `${canary}-model` },
      payload: { ...event.payload, tool: `${canary}Tool` },
    }));
    await xaddAll(client, keys.events, valid);
    const malformed: string[][] = [
      ['event_id', uuidV7(), 'data', `{"prompt": "${canary} not json`],
      ['event_id', uuidV7(), 'data', JSON.stringify({ v: 1, event_id: uuidV7(), prompt: canary })],
      ['data', JSON.stringify({ ...valid[0], event_id: canary, v: 99 })],
      [canary, canary],
      ['event_id', uuidV7(), 'data', JSON.stringify({ ...valid[0], event_id: uuidV7(), event_type: canary })],
    ];
    for (const fields of malformed) await client.xadd(keys.events, '*', ...fields);
    const spool = join(home.path, 'spool');
    mkdirSync(spool, { recursive: true, mode: 0o700 });
    const spooled = events(5).map((event) => ({ ...event, session_id: `${canary}-spooled` }));
    writeFileSync(join(spool, 'claude_code-2026082207.jsonl'), `${spooled.map((event) => JSON.stringify(event)).join('\n')}\n{"broken": "${canary}\n`, { mode: 0o600 });

    const daemon = foreground();
    await waitFor('valid and spooled events stored', () => storedCount(home.path) >= valid.length + spooled.length, 30_000, 50);
    await waitFor('malformed entries dead-lettered', async () => ((await statusJson(env)).deadLetters ?? 0) >= malformed.length, 30_000, 100);
    daemon.child.kill('SIGTERM');
    assert.equal((await daemon.exited).code, 0, daemon.output());

    const logs = ['daemon.log', 'daemon.log.1'].map((name) => join(home.path, 'logs', name)).filter(existsSync);
    const text = logs.map((path) => readFileSync(path, 'utf8')).join('');
    assert.ok(text.length > 0, 'the daemon logged something');
    assert.equal(text.includes(canary), false, `the canary reached the log:\n${text.split('\n').filter((line) => line.includes(canary)).join('\n')}`);
    assert.equal(daemon.output().includes(canary), false, 'nor the terminal');
    const status = await runCli(['status', '--json'], env);
    assert.equal(status.stdout.includes(canary), false, 'nor status');
  });
});
