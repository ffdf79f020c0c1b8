// How the hook behaves as a process: silent when Cursor runs Claude's hooks, exit 0 and a spooled
// event when the IDE kills it mid-flight, small bundles with builtins only, and it still works on
// an older system Node.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtHookPath, ensureBuiltHooks, runHookProcess, systemNode } from '../support/hook-process.ts';
import { startFakeRedis, startRedis } from '../support/redis-server.ts';
import type { FakeRedis, PrivateRedis } from '../support/redis-server.ts';
import { assertCleanExit, assertStreamEntry, hookEnv, loadFixture, readSpool, readSpooledEvents, tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';

const postToolUse = loadFixture('claude-hooks.docs.jsonl').find((f) => f.eventName === 'PostToolUse')!;
const cursorFixtures = loadFixture('cursor-hooks.jsonl');

describe('hooks: process behaviour', function () {
  this.timeout(30_000);
  let redis: PrivateRedis;
  let home: TempHome;

  before(async () => {
    ensureBuiltHooks();
    redis = await startRedis();
  });
  after(async () => redis?.stop());
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => home.remove());

  describe('Cursor running Claude Code hooks (third-party hooks toggle)', () => {
    it('CURSOR_VERSION set → the Claude hook records nothing and prints nothing', async () => {
      const prefix = uniquePrefix();
      const run = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, redis.url, prefix, { CURSOR_VERSION: '3.3.30' }) });
      assertCleanExit(run, 'claude');
      assert.deepEqual(await redis.keys(`${prefix}*`), []);
      assert.deepEqual(readSpool(home.path), []);
    });

    it('a payload with cursor_version → the Claude hook records nothing and prints nothing', async () => {
      const prefix = uniquePrefix();
      const run = await runHookProcess({ hook: 'claude', args: ['stop'], stdin: cursorFixtures[3]!.json, env: hookEnv(home.path, redis.url, prefix) });
      assertCleanExit(run, 'claude');
      assert.deepEqual(await redis.keys(`${prefix}*`), []);
      assert.deepEqual(readSpool(home.path), []);
    });

    it('the Cursor hook itself records the event as usual, CURSOR_VERSION and all', async () => {
      const prefix = uniquePrefix();
      const run = await runHookProcess({ hook: 'cursor', args: ['stop'], stdin: cursorFixtures[3]!.json, env: hookEnv(home.path, redis.url, prefix, { CURSOR_VERSION: '3.3.30' }) });
      assertCleanExit(run, 'cursor');
      assert.equal((await redis.xrange(`${prefix}telemetry:events`)).length, 1);
    });
  });

  describe('killed by the IDE', () => {
    // Accepts and never answers: the hook sits in the XADD wait with its event built.
    let silent: FakeRedis;
    before(async () => {
      silent = await startFakeRedis();
    });
    after(async () => silent.close());

    for (const [hook, signal] of [
      ['claude', 'SIGTERM'],
      ['cursor', 'SIGTERM'],
      ['claude', 'SIGINT'],
    ] as const) {
      it(`${hook}: ${signal} while waiting for Redis → the built event is spooled, exit 0`, async () => {
        const patient = tempHome({ hook: { redisTimeoutMs: 10_000 } });
        try {
          const connected = silent.nextConnection();
          const run = await runHookProcess({
            hook,
            args: ['PostToolUse'],
            stdin: postToolUse.json,
            env: hookEnv(patient.path, silent.url, uniquePrefix()),
            onSpawn: (pid) => void connected.then(() => process.kill(pid, signal)),
          });
          assertCleanExit(run, hook);
          assert.ok(run.wallMs < 5000, `exited on the signal (${run.wallMs.toFixed(0)} ms)`);
          const [event, ...rest] = readSpooledEvents(patient.path);
          assert.equal(rest.length, 0);
          assert.equal(event?.hook_type, 'PostToolUse');
          assert.equal(event?.session_id, postToolUse.payload.session_id);
        } finally {
          patient.remove();
        }
      });
    }

    it('cursor: SIGTERM while stdin is still open and empty → exit 0 with `{}`, nothing recorded', async () => {
      const prefix = uniquePrefix();
      const run = await runHookProcess({
        hook: 'cursor',
        args: ['stop'],
        keepStdinOpen: true,
        env: hookEnv(home.path, redis.url, prefix),
        onSpawn: (pid) => void setTimeout(() => process.kill(pid, 'SIGTERM'), 300),
      });
      assertCleanExit(run, 'cursor');
      assert.ok(run.wallMs < 1200, `exited on the signal, before the stdin deadline (${run.wallMs.toFixed(0)} ms)`);
      assert.deepEqual(await redis.keys(`${prefix}*`), []);
    });
  });

  describe('the V8 code cache', () => {
    const cacheFolder = (): string => join(home.path, 'cache');
    const cacheFiles = (): string[] => (existsSync(cacheFolder()) ? readdirSync(cacheFolder()).sort() : []);
    const runClaude = async (prefix: string): Promise<void> => {
      const run = await runHookProcess({ hook: 'claude', args: ['PostToolUse'], stdin: postToolUse.json, env: hookEnv(home.path, redis.url, prefix) });
      assertCleanExit(run, 'claude');
    };

    it('is written once per bundle and Node version, private, then used as it is', async () => {
      const prefix = uniquePrefix();
      await runClaude(prefix);
      const files = cacheFiles();
      assert.equal(files.length, 1, files.join(', '));
      assert.match(files[0]!, /^claude-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8$/);
      const path = join(cacheFolder(), files[0]!);
      assert.equal(statSync(cacheFolder()).mode & 0o777, 0o700);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const written = statSync(path).ino;
      await runClaude(prefix);
      assert.deepEqual(cacheFiles(), files);
      // A rejected cache would be replaced by a new file (written aside, then renamed over it).
      assert.equal(statSync(path).ino, written, 'the cache was accepted, not rewritten');
      assert.equal((await redis.xrange(`${prefix}telemetry:events`)).length, 2);
    });

    it('a damaged cache is rejected, the event still goes through, and a good cache replaces it', async () => {
      const prefix = uniquePrefix();
      await runClaude(prefix);
      const path = join(cacheFolder(), cacheFiles()[0]!);
      const garbage = Buffer.alloc(statSync(path).size, 0x5a);
      writeFileSync(path, garbage);
      await runClaude(prefix);
      assert.equal((await redis.xrange(`${prefix}telemetry:events`)).length, 2);
      assert.notDeepEqual(readFileSync(path), garbage);
    });

    it("an older build's cache of the same hook is removed; the other hook's is kept", async () => {
      await runClaude(uniquePrefix());
      const stale = join(cacheFolder(), `claude-0000000000000000-${process.version}-${process.arch}.v8`);
      const cursor = join(cacheFolder(), `cursor-0000000000000000-${process.version}-${process.arch}.v8`);
      const current = cacheFiles()[0]!;
      writeFileSync(stale, 'old');
      writeFileSync(cursor, 'other hook');
      writeFileSync(join(cacheFolder(), current), 'damaged, so this run writes a new one');
      await runClaude(uniquePrefix());
      assert.deepEqual(cacheFiles(), [current, cursor.slice(cacheFolder().length + 1)].sort());
    });
  });

  describe('the bundles', () => {
    for (const hook of ['claude', 'cursor'] as const) {
      it(`dist/hooks/${hook}.js is small, has a shebang, and requires node builtins only (no ioredis)`, () => {
        const path = builtHookPath(hook);
        const text = readFileSync(path, 'utf8');
        assert.ok(statSync(path).size < 64 * 1024, `${statSync(path).size} bytes`);
        assert.ok(text.startsWith('#!/usr/bin/env node\n'));
        assert.ok(!/ioredis/i.test(text));
        const required = [...text.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
        // vm runs the bundle through its code cache; crypto is left out on purpose (2-4 ms to load).
        const allowed = new Set(['fs', 'net', 'path', 'os', 'buffer', 'vm'].flatMap((name) => [name, `node:${name}`]));
        assert.deepEqual(
          required.filter((name) => !allowed.has(name)),
          [],
        );
        assert.ok(!/child_process|\btls\b|worker_threads/.test(required.join(' ')));
      });
    }
  });

  describe('an older runtime', () => {
    const otherNode = systemNode();

    for (const hook of ['claude', 'cursor'] as const) {
      it(`${hook}: runs on the system Node (${otherNode ?? 'none found'}) too`, async function () {
        if (!otherNode) this.skip();
        const prefix = uniquePrefix();
        const fixture = hook === 'claude' ? postToolUse : cursorFixtures[2]!;
        const run = await runHookProcess({ hook, node: otherNode!, args: [fixture.eventName!], stdin: fixture.json, env: hookEnv(home.path, redis.url, prefix) });
        assertCleanExit(run, hook);
        const entries = await redis.xrange(`${prefix}telemetry:events`);
        assert.equal(entries.length, 1);
        assertStreamEntry(entries[0]!, hook === 'claude' ? 'claude_code' : 'cursor');
      });
    }
  });
});
