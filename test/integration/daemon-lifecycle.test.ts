// The daemon as a real process (the built CLI) against a private Redis: start --detach, status,
// stop; two daemons racing for one data folder; kill -9 and a restart without clean-up.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';
import { tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';
import { daemonEnv, ensureBuiltCli, isAlive, killIfAlive, killLeftovers, readJson, runCli, startForeground, statusJson, waitFor } from '../support/daemon-process.ts';
import type { ForegroundDaemon } from '../support/daemon-process.ts';

describe('daemon lifecycle (built CLI, real processes)', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let home: TempHome;
  let env: Record<string, string>;

  before(async () => {
    ensureBuiltCli();
    redis = await startRedis();
  });
  after(async () => redis?.stop());
  beforeEach(() => {
    home = tempHome();
    env = daemonEnv(home.path, redis.url, uniquePrefix());
  });
  afterEach(() => {
    killLeftovers(home.path);
    home.remove();
  });

  it('start --detach returns once ready; status shows pid, Redis and counters; stop ends the process and removes the socket', async () => {
    const started = await runCli(['start', '--detach'], env);
    assert.equal(started.code, 0, started.stderr);
    const pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
    assert.ok(pid > 0, started.stdout);
    assert.match(started.stdout, /log: .*daemon\.log/);
    assert.ok(isAlive(pid));
    // Outlives the terminal: its own session (it leads it), no controlling terminal, stdio to the log.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    assert.equal(Number(fields[3]), pid, 'session leader');
    assert.equal(Number(fields[4]), 0, 'no controlling terminal');
    assert.equal(readlinkSync(`/proc/${pid}/fd/1`), join(home.path, 'logs', 'daemon.log'));
    assert.equal(readlinkSync(`/proc/${pid}/fd/2`), join(home.path, 'logs', 'daemon.log'));
    assert.equal(readlinkSync(`/proc/${pid}/cwd`), home.path);

    const status = await statusJson(env);
    assert.equal(status.pid, pid);
    assert.equal(status.state, 'running');
    assert.equal(status.mode, 'redis');
    assert.equal(status.redis.reachable, true);
    assert.equal(status.redis.managed, false);
    assert.equal(status.redis.url, redis.url);
    assert.equal(typeof status.streams['telemetry:events'], 'number');
    assert.equal(typeof status.streams['cdc:events'], 'number');
    assert.equal(status.deadLetters, status.streams['telemetry:dlq']);
    assert.equal(typeof status.pendingEntries, 'number');
    assert.deepEqual(status.spoolBacklog, { files: 0, lines: 0 });
    assert.ok(typeof status.uptimeSeconds === 'number' && status.uptimeSeconds >= 0);
    assert.equal(statSync(status.socket).mode & 0o777, 0o600, 'control socket is private');
    assert.equal(statSync(join(home.path, 'logs')).mode & 0o777, 0o700);
    assert.equal(statSync(status.log).mode & 0o777, 0o600);

    const human = await runCli(['status'], env);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`running, pid ${pid}`));
    assert.match(human.stdout, /telemetry:events +\d+ entries, \d+ pending/);

    const stopped = await runCli(['stop'], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`stopped, pid ${pid}`));
    assert.equal(isAlive(pid), false, 'stop returns only once the process is gone');
    assert.equal(existsSync(status.socket), false, 'socket removed');
    assert.equal(existsSync(join(home.path, 'daemon.pid')), false, 'pid file removed');

    const after = await statusJson(env);
    assert.equal(after.pid, null);
    assert.equal(after.state, 'not_running');
    assert.equal(after.redis.reachable, true, 'status reads Redis directly when the daemon is down');
    assert.ok(after.problems.some((problem) => /not running/.test(problem)));
    const humanAfter = await runCli(['status'], env);
    assert.match(humanAfter.stdout, /Blueplane daemon: not running/);

    const again = await runCli(['stop'], env);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /not running/);
  });

  it('two daemons started at once: exactly one runs, the other exits 0 naming its pid (several rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const racers: ForegroundDaemon[] = [startForeground(env), startForeground(env), startForeground(env)];
      try {
        // Losers exit by themselves; the winner keeps running.
        const status = await waitFor('one daemon running', async () => {
          const current = await statusJson(env);
          return current.state === 'running' ? current : undefined;
        });
        const winner = racers.find((racer) => racer.child.pid === status.pid);
        assert.ok(winner, `round ${round}: the running daemon is one of the racers`);
        for (const racer of racers) {
          if (racer === winner) continue;
          const exit: { code: number | null } = await racer.exited;
          assert.equal(exit.code, 0, `round ${round}: loser output: ${racer.output()}`);
          assert.match(racer.output(), new RegExp(`already running, pid ${status.pid}`), `round ${round}`);
        }
        assert.ok(isAlive(status.pid!), `round ${round}: winner alive`);
        winner.child.kill('SIGTERM');
        const winnerExit: { code: number | null } = await winner.exited;
        assert.equal(winnerExit.code, 0, `round ${round}: graceful stop: ${winner.output()}`);
      } finally {
        for (const racer of racers) killIfAlive(racer.child.pid);
      }
    }
  });

  it('two `start --detach` at once: both exit 0, one daemon runs', async () => {
    const [first, second] = await Promise.all([runCli(['start', '--detach'], env), runCli(['start', '--detach'], env)]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const status = await statusJson(env);
    const pids = [first, second].map((run) => Number(/pid (\d+)/.exec(run.stdout)?.[1]));
    assert.deepEqual(pids, [status.pid, status.pid], `${first.stdout}\n${second.stdout}`);
    assert.equal([first, second].filter((run) => /already running/.test(run.stdout)).length, 1);
    assert.equal((await runCli(['stop'], env)).code, 0);
  });

  it('after kill -9 a new start works without any clean-up', async () => {
    for (let round = 0; round < 3; round++) {
      const started = await runCli(['start', '--detach'], env);
      assert.equal(started.code, 0, started.stderr);
      const pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
      process.kill(pid, 'SIGKILL');
      await waitFor('killed daemon gone', () => !isAlive(pid));
      // What a crash leaves behind: socket file, pid file, lock file.
      assert.ok(existsSync(join(home.path, 'daemon.sock')), 'stale socket left');
      assert.ok(existsSync(join(home.path, 'daemon.pid')), 'stale pid file left');
      const down = await statusJson(env);
      assert.equal(down.pid, null, 'a stale pid file does not make status claim a running daemon');
      assert.equal(down.state, 'not_running');
    }
    const restarted = await runCli(['start', '--detach'], env);
    assert.equal(restarted.code, 0, restarted.stderr);
    const pid = Number(/pid (\d+)/.exec(restarted.stdout)?.[1]);
    assert.doesNotMatch(restarted.stdout, /already running/);
    assert.equal((await statusJson(env)).pid, pid);
    assert.equal(readJson<{ pid: number }>(join(home.path, 'daemon.pid'))?.pid, pid);
    assert.equal((await runCli(['stop'], env)).code, 0);
  });

  it('a data folder too deep for a unix socket path gets its socket under the temp dir', async () => {
    const deepHome = join(home.path, 'd'.repeat(60), 'e'.repeat(60));
    mkdirSync(deepHome, { recursive: true });
    const deepEnv = { ...env, BLUEPLANE_HOME: deepHome };
    const started = await runCli(['start', '--detach'], deepEnv);
    assert.equal(started.code, 0, started.stderr);
    const status = await statusJson(deepEnv);
    assert.equal(status.state, 'running');
    assert.ok(!status.socket.startsWith(deepHome), status.socket);
    assert.equal(statSync(status.socket).mode & 0o777, 0o600);
    assert.equal((await runCli(['stop'], deepEnv)).code, 0);
    assert.equal(existsSync(status.socket), false);
    killLeftovers(deepHome);
  });

  it('a start that fails exits 1 and shows the end of the log, which says why', async () => {
    // The socket would go under TMPDIR/blueplane-<uid>, and that folder is open to everyone.
    const tmp = join(home.path, 'tmp');
    mkdirSync(join(tmp, `blueplane-${process.getuid!()}`), { recursive: true });
    chmodSync(join(tmp, `blueplane-${process.getuid!()}`), 0o777);
    const deepHome = join(home.path, 'd'.repeat(120));
    const failing = await runCli(['start', '--detach'], { ...env, BLUEPLANE_HOME: deepHome, TMPDIR: tmp });
    assert.equal(failing.code, 1, failing.stdout);
    assert.match(failing.stderr, /exited with code 1 before it was ready/);
    assert.match(failing.stderr, /daemon_start_failed.*must be a private folder/);
    assert.equal((await statusJson({ ...env, BLUEPLANE_HOME: deepHome, TMPDIR: tmp })).pid, null);
  });

  it('SIGTERM and SIGINT stop a foreground daemon with exit 0 and remove its socket', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const daemon = startForeground(env);
      try {
        await waitFor('daemon running', async () => (await statusJson(env)).state === 'running');
        daemon.child.kill(signal);
        const exit = await daemon.exited;
        assert.equal(exit.code, 0, `${signal}: ${daemon.output()}`);
        assert.equal(existsSync(join(home.path, 'daemon.sock')), false);
      } finally {
        killIfAlive(daemon.child.pid);
      }
    }
  });
});
