// The reading commands in-process: bad command lines exit 2 with the help to read, before any
// database or Redis is opened; a data folder without a database exits 1 saying how to start.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../core/cli/context.ts';
import { runCli } from '../../core/cli/main.ts';

async function cli(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    env: { BLUEPLANE_HOME: home, BLUEPLANE_REDIS_URL: 'redis://127.0.0.1:1' },
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

describe('CLI reading commands: usage and environment errors', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'blueplane-cli-reading-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('refuses bad flags and values with exit 2 and a pointer to the help', async () => {
    const bad = [
      ['metrics', '--period', '2h'],
      ['metrics', '--platform', 'vim'],
      ['metrics', '--by', 'model'],
      ['metrics', '--by', 'platform', '--platform', 'cursor'],
      ['metrics', 'show'],
      ['metrics', 'rebuild', '--period', '7d'],
      ['sessions', '--limit', '0'],
      ['sessions', '--limit', 'ten'],
      ['sessions', '--offset', '-1'],
      ['sessions', '--min-acceptance', '80'],
      ['sessions', '--since', 'yesterday'],
      ['sessions', '--bogus'],
      ['sessions', 'extra'],
      ['insights', '--type', 'speed'],
      ['insights', '--severity', 'high'],
      ['insights', '--all=yes'],
      ['analyze'],
    ];
    for (const args of bad) {
      const run = await cli(args, home);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`run \`blueplane ${args[0]} --help\``), args.join(' '));
    }
  });

  it('prints each help, and the top-level help lists the reading commands', async () => {
    for (const name of ['metrics', 'sessions', 'insights', 'analyze']) {
      const run = await cli([name, '--help'], home);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`^Usage: blueplane ${name}`));
    }
    assert.match((await cli(['metrics', '--help'], home)).stdout, /\.views\[0\]\.metrics\.tokens\.total/, 'the token totals are documented');
    assert.match((await cli(['--help'], home)).stdout, /metrics +live metrics[\s\S]*sessions +the stored sessions[\s\S]*insights +what the rules found/);
  });

  it('without a database, the SQLite-backed commands exit 1 saying how to start', async () => {
    for (const args of [['sessions'], ['insights'], ['analyze', 'abc'], ['sessions', '--json']]) {
      const run = await cli(args, home);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /no telemetry database .*blueplane start --detach/, args.join(' '));
      assert.equal(run.stdout, '');
    }
  });

  it('without Redis, metrics exits 1 naming the fix and the commands that work without it', async () => {
    const run = await cli(['metrics', '--period', '24h', '--json'], home);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no Redis answers at redis:\/\/127\.0\.0\.1:1.*`blueplane status`.*`blueplane start --detach`.*`blueplane sessions`/);
    assert.equal(run.stdout, '');
  });
});
