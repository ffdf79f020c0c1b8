// When Redis cannot take the event (down, silent, TLS-only URL), nothing is lost and the IDE does
// not wait: the hook appends one line to the spool and exits 0 quickly.
import assert from 'node:assert/strict';
import { ensureBuiltHooks, runHookProcess } from '../support/hook-process.ts';
import type { HookName, HookRun } from '../support/hook-process.ts';
import { closedPortUrl, startFakeRedis } from '../support/redis-server.ts';
import type { FakeRedis } from '../support/redis-server.ts';
import { assertCleanExit, hookEnv, loadFixture, readSpool, readSpooledEvents, tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';
import { DEFAULT_HOOK_LIMITS } from '../../core/config.ts';
import { spoolFileName } from '../../core/spool/spool-writer.ts';

const claudeFixtures = loadFixture('claude-hooks.docs.jsonl');
const cursorFixtures = loadFixture('cursor-hooks.jsonl');
const postToolUse = claudeFixtures.find((f) => f.eventName === 'PostToolUse')!;

describe('hooks: Redis unavailable → spool', function () {
  this.timeout(60_000);
  let home: TempHome;
  let downUrl: string;

  before(async () => {
    ensureBuiltHooks();
    downUrl = await closedPortUrl();
  });
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => home.remove());

  it('spools one valid envelope per event, for every fixture payload of both hooks, in the hour files', async () => {
    const runs = [
      ...claudeFixtures.map((fixture) => ({ hook: 'claude' as HookName, fixture })),
      ...cursorFixtures.map((fixture) => ({ hook: 'cursor' as HookName, fixture })),
    ];
    const before = new Date();
    for (const { hook, fixture } of runs) {
      const args = fixture.eventName ? [fixture.eventName] : [];
      const run = await runHookProcess({ hook, args, stdin: fixture.json, env: hookEnv(home.path, downUrl, uniquePrefix()) });
      assertCleanExit(run, hook);
      assert.ok(run.wallMs < DEFAULT_HOOK_LIMITS.stdinTimeoutMs, `Redis down took ${run.wallMs.toFixed(0)} ms`);
    }
    const after = new Date();
    const lines = readSpool(home.path);
    assert.equal(lines.length, runs.length);
    const events = readSpooledEvents(home.path);
    assert.equal(events.filter((e) => e.platform === 'claude_code').length, claudeFixtures.length);
    assert.equal(events.filter((e) => e.platform === 'cursor').length, cursorFixtures.length);
    assert.equal(new Set(events.map((e) => e.event_id)).size, runs.length, 'every event has its own id');
    for (const { file } of lines) {
      const platform = file.startsWith('cursor') ? 'cursor' : 'claude_code';
      assert.ok([spoolFileName(platform, before), spoolFileName(platform, after)].includes(file), `${file} is named for the current UTC hour`);
    }
  });

  it('a hook ended while still waiting for its input (SIGTERM at teardown) exits 0 and leaves a read_timeout hook_error, not nothing', async () => {
    const { spawn } = await import('node:child_process');
    const { builtHookPath } = await import('../support/hook-process.ts');
    const child = spawn(process.execPath, [builtHookPath('claude'), 'PostToolUse'], { env: hookEnv(home.path, downUrl, uniquePrefix()), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.write('{"session_id": "cut-short", "hook_event_name": "PostTo');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const events = readSpooledEvents(home.path, 'claude_code');
    assert.deepEqual(events.map((event) => [event.event_type, event.payload.error_reason]), [['hook_error', 'read_timeout']]);
  });

  it('30 hooks at once write exactly 30 whole lines', async () => {
    const runs = await Promise.all(
      Array.from({ length: 30 }, () => runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, downUrl, uniquePrefix()) })),
    );
    for (const run of runs) assertCleanExit(run, 'claude');
    const events = readSpooledEvents(home.path, 'claude_code');
    assert.equal(events.length, 30);
    assert.equal(new Set(events.map((e) => e.event_id)).size, 30);
    assert.ok(events.every((e) => e.hook_type === 'PostToolUse' && e.session_id === postToolUse.payload.session_id));
  });

  describe('a Redis that accepts the connection and never answers', () => {
    let silent: FakeRedis;
    before(async () => {
      silent = await startFakeRedis();
    });
    after(async () => silent.close());

    for (const hook of ['claude', 'cursor'] as const) {
      it(`${hook}: gives up at the Redis deadline, spools, exits 0`, async () => {
        const home2 = tempHome({ hook: { redisTimeoutMs: 300 } });
        try {
          const run = await runHookProcess({ hook, args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home2.path, silent.url, uniquePrefix()) });
          assertCleanExit(run, hook);
          assert.ok(run.wallMs >= 300, `waited the Redis deadline (${run.wallMs.toFixed(0)} ms)`);
          assert.ok(run.wallMs < 1500, `and no longer (${run.wallMs.toFixed(0)} ms)`);
          assert.equal(readSpooledEvents(home2.path).length, 1);
        } finally {
          home2.remove();
        }
      });
    }
  });

  it('a rediss:// (TLS) URL is not tried by the hook: the event is spooled right away', async () => {
    const run: HookRun = await runHookProcess({ hook: 'cursor', args: ['stop'], stdin: cursorFixtures[3]!.json, env: hookEnv(home.path, 'rediss://127.0.0.1:6380', uniquePrefix()) });
    assertCleanExit(run, 'cursor');
    const [event] = readSpooledEvents(home.path, 'cursor');
    assert.equal(event?.hook_type, 'stop');
  });

  it('an unusable Redis URL does not stop the event either', async () => {
    const run = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, 'redis://127.0.0.1:99999', uniquePrefix()) });
    assertCleanExit(run, 'claude');
    assert.equal(readSpooledEvents(home.path).length, 1);
  });
});
