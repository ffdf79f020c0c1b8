// Which Redis the daemon uses when the configured one does not answer: a managed redis-server
// it starts under the data folder (recorded, reused by a later daemon, reachable by the real
// hooks), or none at all (spool-only mode, and status says how to fix it).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ManagedRedisRecord } from '../../core/daemon/managed-redis.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { runHookProcess } from '../support/hook-process.ts';
import { assertCleanExit, hookEnv, loadFixture, tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';
import { REDIS_SERVER_BINARY, closedPortUrl, freePort, sendCommands } from '../support/redis-server.ts';
import { daemonEnv, ensureBuiltCli, isAlive, killIfAlive, killLeftovers, readJson, runCli, statusJson, waitFor } from '../support/daemon-process.ts';

/** A PATH whose only entry holds a link to redis-server, so the test decides what the daemon finds. */
function pathWithRedisServer(folder: string): string {
  const binary = spawnSync('sh', ['-c', `command -v ${REDIS_SERVER_BINARY}`], { encoding: 'utf8' }).stdout.trim();
  if (!binary) throw new Error('redis-server is needed for these tests (sudo apt-get install redis-server)');
  symlinkSync(binary, join(folder, 'redis-server'));
  return folder;
}

const postToolUse = loadFixture('claude-hooks.docs.jsonl').find((fixture) => fixture.eventName === 'PostToolUse')!;

describe('daemon Redis: managed redis-server, spool-only mode', function () {
  this.timeout(60_000);
  let home: TempHome;
  let binFolder: string;
  const prefix = uniquePrefix();

  before(() => ensureBuiltCli());
  beforeEach(() => {
    home = tempHome();
    binFolder = mkdtempSync(join(tmpdir(), 'blueplane-bin-'));
  });
  afterEach(() => {
    killLeftovers(home.path);
    home.remove();
    rmSync(binFolder, { recursive: true, force: true });
  });

  it('starts a managed Redis on the configured port, records it, a second daemon reuses it, and the hooks reach it', async () => {
    // A free ephemeral port (not closedPortUrl's reserved one): the managed Redis will bind it.
    const configured = `redis://127.0.0.1:${await freePort()}`;
    const env = daemonEnv(home.path, configured, prefix, { PATH: pathWithRedisServer(binFolder) });
    const first = await runCli(['start', '--detach'], env);
    assert.equal(first.code, 0, first.stderr);

    const record = readJson<ManagedRedisRecord>(join(home.path, 'managed-redis.json'));
    assert.ok(record, 'managed-redis.json written');
    assert.equal(record.url, configured, 'the configured port was free, so hooks using the configured URL find it too');
    assert.equal(record.dir, join(home.path, 'redis'));
    assert.ok(isAlive(record.pid));
    assert.equal(statSync(join(home.path, 'managed-redis.json')).mode & 0o777, 0o600);
    assert.equal(statSync(record.dir).mode & 0o777, 0o700);
    const config = String(await sendCommands({ port: record.port }, [['CONFIG', 'GET', 'appendonly']]));
    assert.match(config, /yes/, 'AOF on');
    const fsync = String(await sendCommands({ port: record.port }, [['CONFIG', 'GET', 'appendfsync']]));
    assert.match(fsync, /everysec/);
    const dir = String(await sendCommands({ port: record.port }, [['CONFIG', 'GET', 'dir']]));
    assert.match(dir, new RegExp(record.dir));

    const status = await statusJson(env);
    assert.equal(status.redis.reachable, true);
    assert.equal(status.redis.managed, true);
    assert.equal(status.redis.managedPid, record.pid);

    assert.equal((await runCli(['stop'], env)).code, 0);
    assert.ok(isAlive(record.pid), 'the managed Redis outlives the daemon');
    const second = await runCli(['start', '--detach'], env);
    assert.equal(second.code, 0, second.stderr);
    const reused = readJson<ManagedRedisRecord>(join(home.path, 'managed-redis.json'));
    assert.equal(reused?.pid, record.pid, 'reused, not started again');
    assert.equal((await statusJson(env)).redis.managedPid, record.pid);

    const hook = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, record.url, prefix) });
    assertCleanExit(hook, 'claude');
    // The hook wrote to the managed Redis, and the daemon read it from there into SQLite.
    await waitFor('the hook event stored', async () => (await statusJson(env)).eventsStored === 1);
    assert.equal(Number(await sendCommands({ port: record.port }, [['XLEN', redisKeys(prefix).events]])), 1);
    assert.equal((await runCli(['stop'], env)).code, 0);
    process.kill(record.pid, 'SIGTERM');
    await waitFor('managed Redis stopped', () => !isAlive(record.pid));
  });

  it('a managed Redis that dies while the daemon runs is started again on the same port, its data back from the AOF', async () => {
    const configured = `redis://127.0.0.1:${await freePort()}`;
    const env = daemonEnv(home.path, configured, prefix, { PATH: pathWithRedisServer(binFolder) });
    assert.equal((await runCli(['start', '--detach'], env)).code, 0);
    const before = readJson<ManagedRedisRecord>(join(home.path, 'managed-redis.json'))!;
    await sendCommands({ port: before.port }, [['SET', `${prefix}kept`, 'yes']]);
    // appendfsync everysec: give the write its second before the crash.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    process.kill(before.pid, 'SIGKILL');
    const status = await waitFor('the managed Redis restarted', async () => {
      const current = await statusJson(env);
      return current.redis.reachable && current.redis.managedPid !== before.pid ? current : undefined;
    }, 20_000, 200);
    const after = readJson<ManagedRedisRecord>(join(home.path, 'managed-redis.json'))!;
    assert.equal(after.url, before.url, 'same URL, so every client finds it again');
    assert.equal(after.pid, status.redis.managedPid);
    assert.equal(await sendCommands({ port: after.port }, [['GET', `${prefix}kept`]]), 'yes');
    const hook = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, configured, prefix) });
    assertCleanExit(hook, 'claude');
    await waitFor('the hook event stored after the restart', async () => (await statusJson(env)).eventsStored === 1, 15_000, 100);
    assert.equal((await runCli(['stop'], env)).code, 0);
    process.kill(after.pid, 'SIGTERM');
    await waitFor('managed Redis stopped', () => !isAlive(after.pid));
  });

  it('uses another free port when the configured one is taken by something that is not Redis, and hooks find it through the record', async () => {
    const busyPort = await freePort();
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(busyPort, '127.0.0.1', () => resolve()));
    let record: ManagedRedisRecord | undefined;
    try {
      const env = daemonEnv(home.path, `redis://127.0.0.1:${busyPort}`, prefix, { PATH: pathWithRedisServer(binFolder) });
      const started = await runCli(['start', '--detach'], env);
      assert.equal(started.code, 0, started.stderr);
      record = readJson<ManagedRedisRecord>(join(home.path, 'managed-redis.json'));
      assert.ok(record);
      assert.notEqual(record.port, busyPort);
      const status = await statusJson(env);
      assert.equal(status.redis.url, record.url);
      assert.equal(status.redis.managed, true);

      const hook = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, record.url, prefix) });
      assertCleanExit(hook, 'claude');
      await waitFor('the hook event stored', async () => (await statusJson(env)).eventsStored === 1);

      // Status without the daemon still finds the recorded Redis.
      assert.equal((await runCli(['stop'], env)).code, 0);
      const offline = await statusJson(env);
      assert.equal(offline.pid, null);
      assert.equal(offline.redis.url, record.url);
      assert.equal(offline.redis.reachable, true);
      assert.equal(offline.redis.managed, true);
      assert.equal(offline.eventsStored, 1, 'read from the database, read-only');
      assert.equal(offline.pendingEntries, 0);
    } finally {
      squatter.close();
      killIfAlive(record?.pid);
    }
  });

  it('with no Redis and no redis-server on PATH it runs spool-only, stores what the hooks spool, and status says how to fix it', async () => {
    const downUrl = await closedPortUrl();
    const env = daemonEnv(home.path, downUrl, prefix, { PATH: binFolder });
    const started = await runCli(['start', '--detach'], env);
    assert.equal(started.code, 0, started.stderr);
    const status = await statusJson(env);
    assert.equal(status.state, 'running');
    assert.equal(status.mode, 'spool_only');
    assert.equal(status.redis.reachable, false);
    assert.equal(status.streams['telemetry:events'], null);
    const advice = status.problems.join('\n');
    assert.match(advice, /Live metrics need Redis/);
    assert.match(advice, /sudo apt-get install redis-server/);
    assert.match(advice, /BLUEPLANE_REDIS_URL/);
    for (let index = 0; index < 3; index++) {
      const hook = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, downUrl, prefix) });
      assertCleanExit(hook, 'claude');
    }
    await waitFor('the spooled events stored', async () => (await statusJson(env)).eventsStored === 3, 15_000, 100);
    await waitFor('the spool drained', async () => (await statusJson(env)).spoolBacklog.files === 0, 15_000, 100);
    const human = await runCli(['status'], env);
    assert.match(human.stdout, /spool only/);
    assert.match(human.stdout, /sudo apt-get install redis-server/);
    assert.equal((await runCli(['stop'], env)).code, 0);
    assert.equal(readJson(join(home.path, 'managed-redis.json')), undefined, 'nothing was started');
    assert.ok(dirname(status.log).startsWith(home.path));
    assert.doesNotMatch(readFileSync(status.log, 'utf8'), /"level":"error"/);
  });

  it('spool-only, then a Redis starts at the configured URL: the running daemon switches to it', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const env = daemonEnv(home.path, url, prefix, { PATH: binFolder });
    assert.equal((await runCli(['start', '--detach'], env)).code, 0);
    assert.equal((await statusJson(env)).mode, 'spool_only');
    const redisDir = mkdtempSync(join(tmpdir(), 'blueplane-late-redis-'));
    const server = spawn(REDIS_SERVER_BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      const status = await waitFor('the daemon on Redis', async () => {
        const current = await statusJson(env);
        return current.mode === 'redis' && current.redis.reachable ? current : undefined;
      }, 25_000, 250);
      assert.equal(status.redis.managed, false);
      assert.equal(status.problems.length, 0, status.problems.join('\n'));
      const hook = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, url, prefix) });
      assertCleanExit(hook, 'claude');
      await waitFor('the event from the stream stored', async () => (await statusJson(env)).eventsStored === 1, 15_000, 100);
      assert.equal(Number(await sendCommands({ port }, [['XLEN', redisKeys(prefix).events]])), 1, 'it came through Redis, not the spool');
      assert.equal((await runCli(['stop'], env)).code, 0);
      const log = readFileSync(status.log, 'utf8');
      assert.match(log, /"event":"redis_found_switching"/);
      assert.doesNotMatch(log, /"level":"error"/);
    } finally {
      server.kill('SIGKILL');
      rmSync(redisDir, { recursive: true, force: true });
    }
  });
});
