// Every documented and real payload, piped into the built hooks as real processes, ends up as
// exactly one well-formed entry in a (private) Redis stream, with the IDE seeing nothing but `{}`
// from Cursor's hook and silence from Claude's.
import assert from 'node:assert/strict';
import { ensureBuiltHooks, runHookProcess } from '../support/hook-process.ts';
import type { HookName } from '../support/hook-process.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';
import {
  assertCleanExit,
  assertStreamEntry,
  hookEnv,
  loadFixture,
  oldFormatEventName,
  readSpool,
  tempHome,
  uniquePrefix,
} from '../support/hook-fixtures.ts';
import type { FixturePayload, TempHome } from '../support/hook-fixtures.ts';
import type { Platform, TelemetryEvent } from '../../core/event/envelope.ts';

const PLATFORM: Record<HookName, Platform> = { claude: 'claude_code', cursor: 'cursor' };

describe('hooks: fixture payloads reach the Redis stream', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let home: TempHome;

  before(async () => {
    ensureBuiltHooks();
    redis = await startRedis();
    home = tempHome();
  });
  after(async () => {
    await redis?.stop();
    home?.remove();
  });

  /** Runs one payload and returns the single stream entry it produced. */
  async function deliver(hook: HookName, fixture: FixturePayload, args: string[]): Promise<TelemetryEvent> {
    const prefix = uniquePrefix();
    const run = await runHookProcess({ hook, args, stdin: fixture.json, env: hookEnv(home.path, redis.url, prefix) });
    assertCleanExit(run, hook);
    const entries = await redis.xrange(`${prefix}telemetry:events`);
    assert.equal(entries.length, 1, 'one stream entry per hook run');
    const event = assertStreamEntry(entries[0]!, PLATFORM[hook]);
    const sessionId = fixture.payload.session_id ?? fixture.payload.conversation_id;
    assert.equal(event.session_id, sessionId);
    assert.equal(readSpool(home.path).length, 0, 'nothing spooled while Redis is up');
    return event;
  }

  for (const [hook, file] of [
    ['claude', 'claude-hooks.docs.jsonl'],
    ['cursor', 'cursor-hooks.jsonl'],
  ] as const) {
    for (const fixture of loadFixture(file)) {
      const name = fixture.eventName;
      if (name !== undefined) {
        it(`${hook}: ${name} (${file}:${fixture.line})`, async () => {
          const event = await deliver(hook, fixture, [name]);
          assert.equal(event.hook_type, name);
        });
        continue;
      }
      // Old Claude payloads have no hook_event_name: the shim's argv[2] is the only name there is.
      const argName = oldFormatEventName(fixture.payload);
      it(`${hook}: old-format ${argName} named by argv (${file}:${fixture.line})`, async () => {
        const event = await deliver(hook, fixture, [argName]);
        assert.equal(event.hook_type, argName);
      });
      it(`${hook}: old-format payload with no name at all (${file}:${fixture.line})`, async () => {
        const event = await deliver(hook, fixture, []);
        assert.ok(event.hook_type.length > 0);
      });
    }
  }
});
