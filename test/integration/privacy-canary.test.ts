// The privacy promise, tested end to end: canary strings planted as code, file paths, prompt text,
// shell commands, tool output, e-mail addresses and API keys in every string field of every fixture
// payload go through the real hook processes, and none of them appears in Redis (every key, every
// field) or in the spool, nor in anything the hooks print.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltHooks, runHookProcess } from '../support/hook-process.ts';
import type { HookName } from '../support/hook-process.ts';
import { closedPortUrl, startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';
import { assertCleanExit, hookEnv, loadFixture, oldFormatEventName, tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';

/** A marker that cannot occur by chance; every canary carries its own. */
function marker(kind: string): string {
  return `cnry${kind}${randomBytes(5).toString('hex')}`;
}

interface Canary {
  kind: string;
  /** The strings that must never be found anywhere. */
  needles: string[];
  value: string;
}

function makeCanaries(): Canary[] {
  const make = (kind: string, build: (id: string) => string): Canary => {
    const id = marker(kind);
    return { kind, needles: [id], value: build(id) };
  };
  const key = `sk-ant-api03-${randomBytes(30).toString('base64url')}`;
  return [
    make('code', (id) => `export function ${id}(a: number) {\n  return a * 42; // ${id}\n}\n`),
    make('path', (id) => `/home/${id}/projects/${id}-app/src/main.ts`),
    make('prompt', (id) => `Please refactor the ${id} module and keep the tests green`),
    make('shell', (id) => `curl -fsS -H 'Authorization: Bearer ${id}' https://${id}.example.com/upload`),
    make('output', (id) => `error: ${id} failed\n    at Object.<anonymous> (/srv/${id}.js:1:1)`),
    make('email', (id) => `${id}@example.com`),
    { kind: 'apikey', needles: [key, key.slice(13, 40)], value: key },
  ];
}

/** Keys whose values name the event or the tool: replacing them would only test the "unknown" path. */
const STRUCTURAL_KEYS = new Set(['hook_event_name', 'tool_name']);

/** Replaces every string leaf (except the structural ones) with the canary, keeping the shape. */
function plant(value: unknown, canary: string, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && STRUCTURAL_KEYS.has(key) ? value : canary;
  if (Array.isArray(value)) return value.map((item) => plant(item, canary));
  if (value && typeof value === 'object') {
    const planted: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) planted[name] = plant(item, canary, name);
    // Fields the IDE may add in a later version carry secrets too.
    planted.extra_unknown_field = canary;
    return planted;
  }
  return value;
}

describe('privacy: canaries in every field never leave the hook', function () {
  this.timeout(180_000);
  let redis: PrivateRedis;
  let home: TempHome;
  const canaries = makeCanaries();

  before(async () => {
    ensureBuiltHooks();
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => home?.remove());

  /** Every fixture with every canary, plus the same with the tool name itself replaced. */
  function plantedRuns(): Array<{ hook: HookName; args: string[]; stdin: string }> {
    const runs: Array<{ hook: HookName; args: string[]; stdin: string }> = [];
    for (const [hook, file] of [
      ['claude', 'claude-hooks.docs.jsonl'],
      ['cursor', 'cursor-hooks.jsonl'],
    ] as const) {
      for (const fixture of loadFixture(file)) {
        const name = fixture.eventName ?? oldFormatEventName(fixture.payload);
        for (const canary of canaries) {
          const planted = plant(fixture.payload, canary.value) as Record<string, unknown>;
          runs.push({ hook, args: [name], stdin: JSON.stringify(planted) });
          if (typeof planted.tool_name === 'string') runs.push({ hook, args: [name], stdin: JSON.stringify({ ...planted, tool_name: canary.value }) });
        }
      }
    }
    return runs;
  }

  async function runAll(redisUrl: string, prefix: string): Promise<string> {
    const runs = plantedRuns();
    let printed = '';
    for (let start = 0; start < runs.length; start += 6) {
      const batch = await Promise.all(runs.slice(start, start + 6).map((run) => runHookProcess({ ...run, env: hookEnv(home.path, redisUrl, prefix) })));
      batch.forEach((result, index) => {
        assertCleanExit(result, runs[start + index]!.hook);
        printed += result.stdout + result.stderr;
      });
    }
    return printed;
  }

  function assertNoCanary(where: string, text: string): void {
    for (const canary of canaries) {
      for (const needle of canary.needles) assert.ok(!text.includes(needle), `${canary.kind} canary found in ${where}`);
    }
  }

  /** All spooled text of the current data folder. */
  function spooledText(): string {
    const folder = join(home.path, 'spool');
    return existsSync(folder) ? readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8')).join('') : '';
  }

  it('stores no canary in Redis: every key, every stream field', async () => {
    const prefix = uniquePrefix();
    const printed = await runAll(redis.url, prefix);
    assertNoCanary('hook output', printed);
    const keys = await redis.keys('*');
    assert.deepEqual(keys, [`${prefix}telemetry:events`], 'the hooks write one stream and nothing else');
    const entries = await redis.xrange(`${prefix}telemetry:events`);
    // A hook that misses its Redis deadline on a busy machine spools instead: both count, both are checked.
    const spooled = spooledText();
    const spooledLines = spooled === '' ? 0 : spooled.trim().split('\n').length;
    assert.equal(entries.length + spooledLines, plantedRuns().length, 'every planted payload still produced its event');
    assertNoCanary('the spool', spooled);
    const everything = JSON.stringify(entries);
    assertNoCanary('the Redis stream', everything);
    const events = entries.map(([, fields]) => JSON.parse(fields[7]!) as { event_type: string; payload: Record<string, unknown> });
    assert.ok(events.some((event) => event.event_type === 'tool_use' && typeof event.payload.lines_added === 'number'), 'edits were still measured');
  });

  it('spools no canary when Redis is down', async () => {
    const printed = await runAll(await closedPortUrl(), uniquePrefix());
    assertNoCanary('hook output', printed);
    const spooled = spooledText();
    assert.equal(spooled.trim().split('\n').length, plantedRuns().length);
    assertNoCanary('the spool', spooled);
  });
});
