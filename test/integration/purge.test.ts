// `blueplane purge` on a running daemon: without --yes (and no terminal) it deletes nothing; with
// --yes it stops the daemon, empties the database so that stored values are gone from the file's
// bytes (WAL included), removes this install's metrics keys and stream entries (and nobody
// else's), and the daemon it started again stores new events.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { streamEntryFields } from '../../core/event/envelope.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { daemonEnv, ensureBuiltCli, killLeftovers, runCli, startForeground, statusJson, waitFor, type ForegroundDaemon } from '../support/daemon-process.ts';
import { tempHome, uniquePrefix, type TempHome } from '../support/hook-fixtures.ts';
import { startRedis, type PrivateRedis } from '../support/redis-server.ts';
import { MAIN_SESSION, mainSession, otherSession } from '../support/scripted-sessions.ts';
import { queryDatabase } from '../support/telemetry-db.ts';

function count(file: string, table: string): number | undefined {
  try {
    return queryDatabase<{ n: number }>(file, `SELECT count(*) AS n FROM ${table}`)[0]!.n;
  } catch {
    return undefined; // not created yet
  }
}

function databaseBytes(home: string): Buffer {
  return Buffer.concat(['telemetry.db', 'telemetry.db-wal'].map((name) => join(home, name)).filter(existsSync).map((path) => readFileSync(path)));
}

describe('purge: really deletes, asks first', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let client: Redis;
  let home: TempHome;
  let daemon: ForegroundDaemon | undefined;

  before(async () => {
    ensureBuiltCli();
    redis = await startRedis();
    client = new Redis(redis.url, { protocol: 2 });
    home = tempHome();
  });
  after(async () => {
    await runCli(['stop'], daemonEnv(home.path, redis.url, 'x')).catch(() => undefined);
    client?.disconnect();
    killLeftovers(home.path);
    home.remove();
    await redis?.stop();
  });

  it('refuses without --yes off a terminal; with --yes empties SQLite and this install\'s Redis keys, and the daemon goes on', async () => {
    const prefix = uniquePrefix();
    const env = daemonEnv(home.path, redis.url, prefix);
    const keys = redisKeys(prefix);
    await client.set('someone-else:metrics:keep', '1');
    daemon = startForeground(env);
    const pipeline = client.pipeline();
    for (const event of [...otherSession(Date.now() - 120_000), ...mainSession(Date.now() - 60_000)]) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
    await pipeline.exec();
    const file = join(home.path, 'telemetry.db');
    await waitFor('both conversations stored', async () => (count(file, 'session_metrics') === 2 ? true : undefined), 30_000, 100);
    assert.ok(databaseBytes(home.path).includes(MAIN_SESSION), 'the session id is in the file before');

    const refused = await runCli(['purge'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /nothing deleted; not on a terminal: run it with --yes/);
    assert.equal(count(file, 'raw_traces'), 23);

    const purged = await runCli(['purge', '--yes', '--json'], env, 60_000);
    assert.equal(purged.code, 0, purged.stderr);
    const report = JSON.parse(purged.stdout);
    assert.deepEqual([report.database.raw_traces, report.database.conversations, report.daemon], [23, 2, 'restarted']);
    assert.ok(report.redis.metrics_keys > 0 && report.redis.stream_entries > 0);
    for (const table of ['raw_traces', 'session_mappings', 'conversations', 'conversation_turns', 'code_changes', 'session_metrics', 'insights']) {
      assert.equal(count(file, table), 0, table);
    }
    assert.ok(!databaseBytes(home.path).includes(MAIN_SESSION), 'the session id is gone from the bytes of the file and its WAL');
    assert.deepEqual(await client.keys(`${keys.metricsPrefix}session:*`), []);
    assert.equal(await client.get('someone-else:metrics:keep'), '1', "another install's keys are untouched");

    // The daemon it started again stores what comes next, and nothing of before.
    await waitFor('the daemon running again', async () => ((await statusJson(env))?.state === 'running' ? true : undefined), 30_000, 200);
    await client.xadd(keys.events, '*', ...streamEntryFields(otherSession(Date.now())[1]!));
    await waitFor('one new event stored', async () => (count(file, 'raw_traces') === 1 ? true : undefined), 30_000, 100);
    await daemon.exited;
  });
});
