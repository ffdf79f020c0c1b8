// A Redis that answers with an error (wrong or missing password, a key of the wrong type, a
// database that does not exist) does not lose the event: it is spooled. With the right URL
// (password, ACL user, database, unix socket) it is stored.
import assert from 'node:assert/strict';
import { ensureBuiltHooks, runHookProcess } from '../support/hook-process.ts';
import type { HookName } from '../support/hook-process.ts';
import { sendCommands, startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';
import { assertCleanExit, assertStreamEntry, hookEnv, loadFixture, readSpooledEvents, tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';

const postToolUse = loadFixture('claude-hooks.docs.jsonl').find((f) => f.eventName === 'PostToolUse')!;
const cursorStop = loadFixture('cursor-hooks.jsonl').find((f) => f.eventName === 'stop')!;

function payloadFor(hook: HookName): { json: string; name: string } {
  return hook === 'claude' ? { json: postToolUse.json, name: 'PostToolUse' } : { json: cursorStop.json, name: 'stop' };
}

describe('hooks: Redis answering errors', function () {
  this.timeout(30_000);
  let home: TempHome;

  before(() => ensureBuiltHooks());
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => home.remove());

  async function run(hook: HookName, url: string, prefix: string) {
    const { json, name } = payloadFor(hook);
    const result = await runHookProcess({ hook, args: [name], stdin: json, env: hookEnv(home.path, url, prefix) });
    assertCleanExit(result, hook);
    return result;
  }

  describe('a Redis with requirepass', () => {
    const password = 'p@ss word/+%';
    let redis: PrivateRedis;
    before(async () => {
      redis = await startRedis({ args: ['--requirepass', password], password });
    });
    after(async () => redis?.stop());

    for (const hook of ['claude', 'cursor'] as const) {
      it(`${hook}: no password in the URL → NOAUTH → spooled, nothing stored`, async () => {
        const prefix = uniquePrefix();
        await run(hook, `redis://127.0.0.1:${redis.port}`, prefix);
        assert.deepEqual(await redis.xrange(`${prefix}telemetry:events`), []);
        assert.equal(readSpooledEvents(home.path).length, 1);
      });

      it(`${hook}: wrong password → spooled`, async () => {
        const prefix = uniquePrefix();
        await run(hook, `redis://:wrong@127.0.0.1:${redis.port}`, prefix);
        assert.deepEqual(await redis.xrange(`${prefix}telemetry:events`), []);
        assert.equal(readSpooledEvents(home.path).length, 1);
      });

      it(`${hook}: the right (percent-encoded) password → stored, nothing spooled`, async () => {
        const prefix = uniquePrefix();
        await run(hook, redis.url, prefix);
        const entries = await redis.xrange(`${prefix}telemetry:events`);
        assert.equal(entries.length, 1);
        assertStreamEntry(entries[0]!, hook === 'claude' ? 'claude_code' : 'cursor');
        assert.equal(readSpooledEvents(home.path).length, 0);
      });
    }

    it('an ACL user with its password → stored', async () => {
      await redis.command(['ACL', 'SETUSER', 'hooks', 'on', '>hook-secret', '~*', '+@all']);
      const prefix = uniquePrefix();
      await run('claude', `redis://hooks:hook-secret@127.0.0.1:${redis.port}`, prefix);
      assert.equal((await redis.xrange(`${prefix}telemetry:events`)).length, 1);
      assert.equal(readSpooledEvents(home.path).length, 0);
    });
  });

  describe('a Redis without a password', () => {
    let redis: PrivateRedis;
    before(async () => {
      redis = await startRedis({ unixSocket: true });
    });
    after(async () => redis?.stop());

    it('the stream key already holds a string → WRONGTYPE → spooled, the key untouched', async () => {
      const prefix = uniquePrefix();
      await redis.command(['SET', `${prefix}telemetry:events`, 'not a stream']);
      await run('claude', redis.url, prefix);
      assert.equal(await redis.command(['GET', `${prefix}telemetry:events`]), 'not a stream');
      const [event] = readSpooledEvents(home.path, 'claude_code');
      assert.equal(event?.hook_type, 'PostToolUse');
    });

    it('a database number in the URL → stored in that database only', async () => {
      const prefix = uniquePrefix();
      await run('cursor', `${redis.url}/3`, prefix);
      const key = `${prefix}telemetry:events`;
      assert.deepEqual(await redis.xrange(key), [], 'not in database 0');
      const entries = (await sendCommands({ port: redis.port }, [['SELECT', '3'], ['XRANGE', key, '-', '+']])) as Array<[string, string[]]>;
      assert.equal(entries.length, 1);
      assertStreamEntry(entries[0]!, 'cursor');
      assert.equal(readSpooledEvents(home.path).length, 0);
    });

    it('a database that does not exist → SELECT fails → spooled, and nothing lands in database 0', async () => {
      const prefix = uniquePrefix();
      await run('cursor', `${redis.url}/99`, prefix);
      assert.equal(readSpooledEvents(home.path, 'cursor').length, 1);
      assert.deepEqual(await redis.keys(`${prefix}*`), []);
    });

    it('a unix:// socket URL with ?db= → stored', async () => {
      const prefix = uniquePrefix();
      await run('claude', `unix://${redis.socketPath}?db=2`, prefix);
      const entries = (await sendCommands({ port: redis.port }, [['SELECT', '2'], ['XRANGE', `${prefix}telemetry:events`, '-', '+']])) as Array<[string, string[]]>;
      assert.equal(entries.length, 1);
      assertStreamEntry(entries[0]!, 'claude_code');
      assert.equal(readSpooledEvents(home.path).length, 0);
    });
  });
});
