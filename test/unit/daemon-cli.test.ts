// The daemon's CLI commands in-process: usage errors exit 2 before anything starts, help texts,
// and the human status table.
import assert from 'node:assert/strict';
import { runCli } from '../../core/cli/main.ts';
import { formatStatus } from '../../core/cli/status-command.ts';
import type { CliContext } from '../../core/cli/context.ts';
import type { DaemonStatus } from '../../core/daemon/control-protocol.ts';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    env: { BLUEPLANE_HOME: '/nonexistent/blueplane-test' },
    cwd: '/',
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    hookBundleDir: '/nonexistent',
    execPath: process.execPath,
    runningElectron: false,
  };
  const code = await runCli(args, context);
  return { code, stdout, stderr };
}

const STATUS: DaemonStatus = {
  pid: 4242,
  state: 'running',
  version: '0.1.0',
  home: '/home/u/.blueplane',
  startedAt: '2026-08-22T07:00:00.000Z',
  uptimeSeconds: 3725,
  socket: '/home/u/.blueplane/daemon.sock',
  log: '/home/u/.blueplane/logs/daemon.log',
  mode: 'redis',
  redis: { url: 'redis://127.0.0.1:6390', reachable: true, managed: true, managedPid: 77, error: null },
  streams: { 'telemetry:events': 12, 'cdc:events': 10, 'telemetry:dlq': 1 },
  pendingEntries: 2,
  deadLetters: 1,
  eventsStored: 10,
  spoolBacklog: { files: 1, lines: 3 },
  database: { path: '/home/u/.blueplane/telemetry.db', sizeBytes: 3 * 1024 * 1024 },
  ingest: { batches: 4 },
  slowPath: null,
  api: { url: 'http://127.0.0.1:7531/api/v1', error: null },
  problems: [],
};

describe('daemon CLI commands', () => {
  it('refuses bad command lines with exit 2 and a pointer to the help', async () => {
    for (const args of [['status', '--bogus'], ['status', 'now'], ['start', '--timeout', '3'], ['start', '--detach', '--timeout', '0'], ['stop', 'now'], ['stop', '--timeout', 'x']]) {
      const run = await cli(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, new RegExp(`run \`blueplane ${args[0]} --help\``), args.join(' '));
    }
  });

  it('prints each command help', async () => {
    for (const name of ['start', 'stop', 'status']) {
      const run = await cli([name, '--help']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`^Usage: blueplane ${name}`));
    }
    assert.match((await cli(['--help'])).stdout, /start +run the daemon[\s\S]*stop +stop the daemon[\s\S]*status +show the daemon/);
  });

  it('status table: state, pid, uptime, Redis, streams, stored, spool, database, problems', () => {
    const text = formatStatus(STATUS);
    assert.match(text, /^Blueplane daemon: running, pid 4242, up 1h 2m \(version 0\.1\.0\)/);
    assert.match(text, /redis +redis:\/\/127\.0\.0\.1:6390: reachable, managed by Blueplane, redis-server pid 77/);
    assert.match(text, /telemetry:events +12 entries, 2 pending/);
    assert.match(text, /dead letters +1/);
    assert.match(text, /events stored +10/);
    assert.match(text, /spool backlog +1 files, 3 events/);
    assert.match(text, /database +\/home\/u\/\.blueplane\/telemetry\.db, 3\.0 MB/);
    assert.match(text, /api +http:\/\/127\.0\.0\.1:7531\/api\/v1/);
    assert.match(formatStatus({ ...STATUS, api: { url: null, error: 'port 7531 is taken' } }), /api +not serving \(port 7531 is taken\)/);
    const down = formatStatus({
      ...STATUS,
      pid: null,
      state: 'not_running',
      uptimeSeconds: null,
      mode: null,
      redis: { ...STATUS.redis, reachable: false, managed: false, managedPid: null, error: 'connection refused' },
      streams: { 'telemetry:events': null, 'cdc:events': null, 'telemetry:dlq': null },
      pendingEntries: null,
      deadLetters: null,
      eventsStored: null,
      database: { path: '/home/u/.blueplane/telemetry.db', sizeBytes: null },
      problems: ['The daemon is not running: start it with `blueplane start --detach`.'],
    });
    assert.match(down, /^Blueplane daemon: not running \(version/);
    assert.match(down, /not reachable \(connection refused\)/);
    assert.match(down, /events stored +unknown/);
    assert.match(down, /\(not created yet\)/);
    assert.match(down, /\n! The daemon is not running/);
  });
});
