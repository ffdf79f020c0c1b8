// Whatever arrives on stdin (nothing, half a document, a non-object, binary, too much, a pipe that
// never closes), the hook exits 0 with its normal output and records a hook_error that carries the
// reason and the byte count, and never a byte of the input itself.
import assert from 'node:assert/strict';
import { ensureBuiltHooks, runHookProcess } from '../support/hook-process.ts';
import type { HookName, HookRun } from '../support/hook-process.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';
import { assertCleanExit, assertStreamEntry, hookEnv, loadFixture, readSpool, tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';
import type { HookErrorReason, TelemetryEvent } from '../../core/event/envelope.ts';

/** Put in every bad input; it must never show up in what the hook stored. */
const MARKER = 'MARKER-7f3a9c-do-not-store';
const PLATFORM = { claude: 'claude_code', cursor: 'cursor' } as const;

interface BadInput {
  name: string;
  input: Buffer;
  reason: HookErrorReason;
}

const bigObject = Buffer.from(JSON.stringify({ hook_event_name: 'PostToolUse', session_id: 's', filler: `${MARKER} `.repeat(200) }));

const BAD_INPUTS: BadInput[] = [
  { name: 'empty stdin', input: Buffer.alloc(0), reason: 'empty_input' },
  { name: 'whitespace only', input: Buffer.from(' \n\t\n'), reason: 'empty_input' },
  { name: 'a lone `{`', input: Buffer.from('{'), reason: 'invalid_json' },
  { name: 'truncated JSON', input: Buffer.from(`{"prompt":"${MARKER}`), reason: 'invalid_json' },
  { name: 'two objects', input: Buffer.from(`{"a":"${MARKER}"}{"b":1}`), reason: 'invalid_json' },
  { name: 'an array `[1,2]`', input: Buffer.from('[1,2]'), reason: 'not_an_object' },
  { name: 'an array with text', input: Buffer.from(`["${MARKER}"]`), reason: 'not_an_object' },
  { name: 'a string', input: Buffer.from(`"${MARKER}"`), reason: 'not_an_object' },
  { name: 'a number', input: Buffer.from('42'), reason: 'not_an_object' },
  { name: 'null', input: Buffer.from('null'), reason: 'not_an_object' },
  { name: 'NUL bytes', input: Buffer.concat([Buffer.from(`{"x":"${MARKER}`), Buffer.from([0, 0, 1, 2]), Buffer.from('"}')]), reason: 'binary_input' },
  { name: 'invalid UTF-8', input: Buffer.concat([Buffer.from(`{"x":"${MARKER}`), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]), reason: 'binary_input' },
  { name: 'more than maxInputBytes (1 KiB here)', input: bigObject, reason: 'too_large' },
];

describe('hooks: malformed input', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let home: TempHome;

  before(async () => {
    ensureBuiltHooks();
    redis = await startRedis();
    home = tempHome({ hook: { maxInputBytes: 1024 } });
    assert.ok(bigObject.length > 1024);
  });
  after(async () => {
    await redis?.stop();
    home?.remove();
  });

  async function runOnce(hook: HookName, input: Buffer | undefined, options: { keepStdinOpen?: boolean; home?: string; eventName?: string } = {}) {
    const prefix = uniquePrefix();
    const run = await runHookProcess({
      hook,
      args: [options.eventName ?? (hook === 'claude' ? 'UserPromptSubmit' : 'beforeSubmitPrompt')],
      stdin: input,
      keepStdinOpen: options.keepStdinOpen ?? false,
      env: hookEnv(options.home ?? home.path, redis.url, prefix),
    });
    assertCleanExit(run, hook);
    const entries = await redis.xrange(`${prefix}telemetry:events`);
    assert.equal(entries.length, 1, 'one event per run');
    assert.ok(!JSON.stringify(entries).includes(MARKER), 'no input bytes in the stream entry');
    return { run, event: assertStreamEntry(entries[0]!, PLATFORM[hook]) };
  }

  function assertHookError(event: TelemetryEvent, reason: HookErrorReason, bytes: number): void {
    assert.equal(event.event_type, 'hook_error');
    assert.equal(event.payload.error_reason, reason);
    assert.equal(event.payload.input_bytes, bytes);
  }

  for (const hook of ['claude', 'cursor'] as const) {
    describe(`${hook} hook`, () => {
      for (const bad of BAD_INPUTS) {
        it(`${bad.name} → hook_error ${bad.reason}`, async () => {
          const { event } = await runOnce(hook, bad.input);
          assertHookError(event, bad.reason, bad.input.length);
          assert.equal(readSpool(home.path).length, 0);
        });
      }

      it('stdin left open with no data → read_timeout at the stdin deadline, not later', async () => {
        const slowHome = tempHome({ hook: { stdinTimeoutMs: 400 } });
        try {
          const { run, event } = await runOnce(hook, undefined, { keepStdinOpen: true, home: slowHome.path });
          assertHookError(event, 'read_timeout', 0);
          assert.ok(run.wallMs >= 400, `waited the deadline (${run.wallMs.toFixed(0)} ms)`);
          assert.ok(run.wallMs < 1400, `exited soon after it (${run.wallMs.toFixed(0)} ms)`);
        } finally {
          slowHome.remove();
        }
      });

      it('stdin left open with half a document → read_timeout with its byte count', async () => {
        const slowHome = tempHome({ hook: { stdinTimeoutMs: 400 } });
        try {
          const half = Buffer.from(`{"prompt":"${MARKER}","more":{`);
          const { event } = await runOnce(hook, half, { keepStdinOpen: true, home: slowHome.path });
          assertHookError(event, 'read_timeout', half.length);
        } finally {
          slowHome.remove();
        }
      });

      it('stdin left open after a complete object → the real event, without waiting for EOF', async () => {
        // A long deadline makes the difference visible: finishing early means the idle parse worked.
        const patientHome = tempHome({ hook: { stdinTimeoutMs: 5000 } });
        try {
          const fixture = hook === 'claude' ? loadFixture('claude-hooks.docs.jsonl')[8]! : loadFixture('cursor-hooks.jsonl')[1]!;
          const { run, event }: { run: HookRun; event: TelemetryEvent } = await runOnce(hook, Buffer.from(`${fixture.json}\n`), {
            keepStdinOpen: true,
            home: patientHome.path,
            eventName: fixture.eventName!,
          });
          assert.notEqual(event.event_type, 'hook_error');
          assert.equal(event.hook_type, fixture.eventName);
          assert.ok(run.wallMs < 2000, `finished without EOF (${run.wallMs.toFixed(0)} ms)`);
        } finally {
          patientHome.remove();
        }
      });

      it('too large input keeps being drained until EOF (the IDE never sees EPIPE)', async () => {
        const huge = Buffer.alloc(4 * 1024 * 1024, 0x20);
        huge.write('{"a":"', 0);
        huge.write('"}', huge.length - 2);
        const { event } = await runOnce(hook, huge);
        assertHookError(event, 'too_large', huge.length);
      });
    });
  }
});
