// The slow path in the daemon, as a real process against a private Redis and a real SQLite file:
// a scripted Claude Code session (events built by the real capture code, XADDed like the hooks
// do) and its transcript (read by the transcript monitor) become the numbers a user sees in
// Redis (the session snapshot, the current session, period views and time series) and the
// conversation, its turns and code changes in SQLite. A rebuild, by
// the daemon or by the CLI without it, gives the same values; `analyze` prints the same session;
// a malformed CDC entry is dead-lettered while the daemon keeps going; a hook error becomes an
// insight.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { buildEvent, buildHookErrorEvent } from '../../core/capture/build-event.ts';
import { streamEntryFields } from '../../core/event/envelope.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { uuidV7 } from '../../core/event/uuid-v7.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { SqliteDatabase } from '../../core/daemon/sqlite-binding.ts';
import { telemetryDatabasePath } from '../../core/daemon/ingest-pipeline.ts';
import { buildUserDir, Database, valueBytes } from '../support/cursor-state-db.ts';
import { syntheticEvents } from '../support/ingest-events.ts';
import { tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';
import { daemonEnv, ensureBuiltCli, killIfAlive, killLeftovers, runCli, startForeground, waitFor } from '../support/daemon-process.ts';
import type { ForegroundDaemon } from '../support/daemon-process.ts';

const SECRET = Buffer.alloc(32, 5);
const PROJECT = '/home/dev/canary-project-path';

/**
 * One Claude Code session, hook by hook, ending `secondsAgo` before now: a prompt, an Edit that
 * is accepted after 2 s (+3 -1 lines), a Bash call that fails, a second prompt, a Write that is
 * interrupted, and Stop.
 */
function claudeSession(sessionId: string, startMs: number): TelemetryEvent[] {
  const at = (seconds: number) => startMs + seconds * 1000;
  const hook = (seconds: number, payload: Record<string, unknown>) =>
    buildEvent({ session_id: sessionId, cwd: PROJECT, transcript_path: `${PROJECT}/t.jsonl`, permission_mode: 'default', ...payload }, { platform: 'claude_code', env: { CLAUDE_PROJECT_DIR: PROJECT }, secret: SECRET, now: at(seconds) });
  const edit = { file_path: `${PROJECT}/src/app.ts`, old_string: 'const a = 1;', new_string: 'const a = 2;\nconst b = 3;\nconst c = 4;' };
  return [
    hook(0, { hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' }),
    hook(1, { hook_event_name: 'UserPromptSubmit', prompt: 'canary prompt text: rewrite the app' }),
    hook(3, { hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: edit, tool_use_id: 'toolu_edit_1' }),
    hook(5, { hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: edit, tool_response: { filePath: edit.file_path, success: true }, tool_use_id: 'toolu_edit_1' }),
    hook(6, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test -- canary-command' }, tool_use_id: 'toolu_bash_1' }),
    hook(9, { hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'npm test -- canary-command' }, tool_use_id: 'toolu_bash_1', error: 'Exit code 1', is_interrupt: false, duration_ms: 2900 }),
    hook(12, { hook_event_name: 'UserPromptSubmit', prompt: 'now write the readme' }),
    hook(14, { hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: `${PROJECT}/README.md`, content: '# canary\n' }, tool_use_id: 'toolu_write_1' }),
    hook(16, { hook_event_name: 'PostToolUseFailure', tool_name: 'Write', tool_input: { file_path: `${PROJECT}/README.md`, content: '# canary\n' }, tool_use_id: 'toolu_write_1', error: 'interrupted', is_interrupt: true }),
    hook(17, { hook_event_name: 'Stop', stop_hook_active: false }),
  ];
}

/** Two API responses of the session as Claude Code writes them in its transcript (final lines). */
function transcriptLines(sessionId: string, startMs: number): string {
  const line = (seconds: number, id: string, usage: Record<string, number>) =>
    JSON.stringify({
      type: 'assistant',
      sessionId,
      cwd: PROJECT,
      version: '2.1.90',
      isSidechain: false,
      uuid: uuidV7(),
      requestId: `req_${id}`,
      timestamp: new Date(startMs + seconds * 1000).toISOString(),
      message: { model: 'claude-sonnet-4-5', id: `msg_${id}`, type: 'message', role: 'assistant', content: [{ type: 'text', text: 'canary assistant text' }], stop_reason: 'end_turn', usage },
    });
  return `${line(2, 'a1', { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 })}\n${line(13, 'a2', { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 })}\n`;
}

interface StoredConversation {
  row: Record<string, number | string | null>;
  turns: Array<Record<string, number | string | null>>;
  changes: Array<Record<string, number | string | null>>;
}

/** The conversation rows of one session as any SQLite reader sees them; undefined until written. */
function readConversation(home: string, id: string): StoredConversation | undefined {
  const db = new SqliteDatabase(telemetryDatabasePath(home), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as StoredConversation['row'] | undefined;
    if (!row) return undefined;
    const turns = db.prepare('SELECT * FROM conversation_turns WHERE conversation_id = ? ORDER BY turn_number').all(id) as StoredConversation['turns'];
    const changes = db.prepare('SELECT * FROM code_changes WHERE conversation_id = ? ORDER BY created_at').all(id) as StoredConversation['changes'];
    return { row, turns, changes };
  } finally {
    db.close();
  }
}

/** Stored rows per event type, as any SQLite reader sees them. */
function storedTypes(home: string): Record<string, number> {
  if (!existsSync(telemetryDatabasePath(home))) return {};
  const db = new SqliteDatabase(telemetryDatabasePath(home), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT event_type, count(*) AS n FROM raw_traces GROUP BY event_type').all() as Array<{ event_type: string; n: number }>;
    return Object.fromEntries(rows.map((row) => [row.event_type, row.n]));
  } catch {
    return {};
  } finally {
    db.close();
  }
}

function readInsights(home: string): Array<{ rule: string; scope: string; scope_key: string; evidence: string; resolved_at: string | null }> {
  const db = new SqliteDatabase(telemetryDatabasePath(home), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT rule, scope, scope_key, evidence, resolved_at FROM insights').all() as ReturnType<typeof readInsights>;
  } finally {
    db.close();
  }
}

async function hashOf(client: Redis, key: string): Promise<Record<string, string>> {
  return client.hgetall(key);
}

/** Every metrics key's content, as a reader of Redis sees it. */
async function metricsSnapshot(client: Redis, prefix: string): Promise<Record<string, Record<string, string>>> {
  const keys = (await client.keys(`${prefix}metrics:*`)).filter((key) => !key.endsWith(':updates')).sort();
  const snapshot: Record<string, Record<string, string>> = {};
  for (const key of keys) {
    const type = await client.type(key);
    snapshot[key] = type === 'hash' ? await client.hgetall(key) : Object.fromEntries((await client.zrange(key, '0', '-1', 'WITHSCORES')).map((value, index) => [String(index), value]));
  }
  return snapshot;
}

/**
 * The metrics once the workers are done and the debounced period views are written: snapshots
 * taken every 500 ms until five in a row are equal.
 */
async function settledSnapshot(client: Redis, prefix: string): Promise<Record<string, Record<string, string>>> {
  let previous = JSON.stringify(await metricsSnapshot(client, prefix));
  for (let same = 0, rounds = 0; same < 5; rounds++) {
    assert.ok(rounds < 120, 'the metrics kept changing for a minute');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = JSON.stringify(await metricsSnapshot(client, prefix));
    same = next === previous ? same + 1 : 0;
    previous = next;
  }
  return JSON.parse(previous) as Record<string, Record<string, string>>;
}

/** Equal metrics, or a failure naming the keys and fields that differ (not a diff of megabytes of JSON). */
function assertSameMetrics(actual: Record<string, Record<string, string>>, expected: Record<string, Record<string, string>>, message: string): void {
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    for (const field of new Set([...Object.keys(actual[key] ?? {}), ...Object.keys(expected[key] ?? {})])) {
      if (actual[key]?.[field] !== expected[key]?.[field]) differences.push(`${key} ${field}`);
    }
  }
  assert.ok(differences.length === 0, `${message}; differing: ${differences.slice(0, 10).join(', ')}${differences.length > 10 ? ` and ${differences.length - 10} more` : ''}`);
}

describe('slow path: live metrics in Redis from the daemon', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let client: Redis;
  let home: TempHome;
  let prefix: string;
  let env: Record<string, string>;
  let daemon: ForegroundDaemon | undefined;

  before(async () => {
    ensureBuiltCli();
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  beforeEach(() => {
    home = tempHome();
    prefix = uniquePrefix();
    env = daemonEnv(home.path, redis.url, prefix);
  });
  afterEach(() => {
    killIfAlive(daemon?.child.pid);
    daemon = undefined;
    killLeftovers(home.path);
    home.remove();
  });

  it('turns a Claude Code session and its transcript into session, current, period and series metrics; a rebuild (daemon or CLI) gives the same values', async () => {
    const keys = redisKeys(prefix);
    const sessionId = '7f3c2a10-1b2c-4d5e-8f90-123456789abc';
    const startMs = Date.now() - 60_000;
    const projects = join(home.path, 'claude-projects', '-home-dev-canary-project-path');
    mkdirSync(projects, { recursive: true });
    writeFileSync(join(projects, `${sessionId}.jsonl`), transcriptLines(sessionId, startMs));
    daemon = startForeground(env);
    const pipeline = client.pipeline();
    for (const event of claudeSession(sessionId, startMs)) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
    await pipeline.exec();

    const current = await waitFor('the current session with its tokens', async () => {
      const hash = await hashOf(client, keys.currentMetrics);
      return hash.tool_calls === '3' && hash.tokens !== '' && hash.tokens !== undefined ? hash : undefined;
    }, 30_000, 50);
    assert.equal(current.session_id, sessionId);
    assert.equal(current.platform, 'claude_code');
    assert.equal(current.tool_errors, '1', 'the failed Bash call');
    // Edit accepted, Write interrupted: 1 of 2 decided proposals kept.
    assert.equal(Number(current.acceptance_rate), 0.5);
    assert.equal(current.tokens, String(100 + 50 + 1000 + 200 + 10 + 5), 'both transcript responses, once each');
    assert.ok(Number(current.cost_usd) > 0, 'priced from the shipped table');

    const session = await hashOf(client, keys.sessionMetrics(current.session_uuid!));
    const metrics = JSON.parse(session.metrics!);
    assert.equal(metrics.usage.prompts, 2);
    assert.equal(metrics.code.lines_added, 3);
    assert.equal(metrics.code.lines_removed, 1);
    assert.equal(metrics.acceptance.time_to_accept_ms.value.p50, 2000);
    assert.equal(metrics.usage.tools.Bash.failed, 1);
    assert.equal(metrics.tally, undefined, 'no engine state in what readers get');
    assert.equal(await client.zscore(keys.sessionsByActivity, current.session_uuid!), String(Date.parse(metrics.last_event_at)));

    const hour = await waitFor('the 1h view of the project', async () => {
      const found = (await client.keys(`${keys.metricsPrefix}period:1h:project:*`))[0];
      return found ? hashOf(client, found) : undefined;
    }, 10_000, 50);
    assert.equal(hour.sessions, '1');
    assert.equal(JSON.parse(hour.metrics!).errors.errors, 1);
    const minutes = await hashOf(client, keys.series('all', '1m'));
    const points = Object.values(minutes).map((text) => JSON.parse(text) as { tool_errors: number; prompts: number; tokens: number });
    assert.equal(points.reduce((sum, point) => sum + point.tool_errors, 0), 1);
    assert.equal(points.reduce((sum, point) => sum + point.prompts, 0), 2);
    assert.equal(points.reduce((sum, point) => sum + point.tokens, 0), 1365);

    const conversation = await waitFor('the conversation in SQLite', () => readConversation(home.path, current.session_uuid!), 10_000, 50);
    assert.equal(conversation.row.interaction_count, 2);
    assert.equal(conversation.row.tool_error_count, 1);
    assert.equal(conversation.row.total_tokens, 1365);
    assert.deepEqual(conversation.turns.map((turn) => [turn.turn_number, turn.turn_type, turn.tool_calls, turn.tokens_used]), [
      [1, 'user_prompt', 2, 1350],
      [2, 'user_prompt', 1, 15],
    ]);
    assert.deepEqual(conversation.changes.map((change) => [change.tool, change.outcome, change.acceptance_delay_ms, change.lines_added]), [
      ['Edit', 'accepted', 2000, 3],
      ['Write', 'rejected', 2000, 1],
    ]);

    const live = await settledSnapshot(client, prefix);
    const rebuilt = await runCli(['metrics', 'rebuild', '--json'], env);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal(JSON.parse(rebuilt.stdout).rebuilt_by, 'daemon');
    assertSameMetrics(await metricsSnapshot(client, prefix), live, 'the daemon rebuild equals the live path');

    const stop = await runCli(['stop'], env);
    assert.equal(stop.code, 0, stop.stderr);
    await daemon.exited;
    await client.del(keys.currentMetrics, keys.sessionMetrics(current.session_uuid!));
    const offline = await runCli(['metrics', 'rebuild', '--json'], env);
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(JSON.parse(offline.stdout).rebuilt_by, 'cli');
    assertSameMetrics(await metricsSnapshot(client, prefix), live, 'the CLI rebuild equals the live path');

    const analyzed = await runCli(['analyze', sessionId.slice(0, 8), '--json'], env);
    assert.equal(analyzed.code, 0, analyzed.stderr);
    const report = JSON.parse(analyzed.stdout);
    assert.equal(report.session_uuid, current.session_uuid);
    assert.deepEqual({ ...report, session_uuid: undefined }, { ...metrics, session_uuid: undefined }, 'analyze shows what the live path computed');
    const text = await runCli(['analyze', current.session_uuid!], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Acceptance 50\.0 %/);
    assert.match(text.stdout, /Bash\s+1\s+1/);

    for (const value of [JSON.stringify(live), analyzed.stdout, text.stdout]) {
      for (const canary of ['canary prompt', 'canary-command', 'canary-project-path', 'canary assistant', '# canary']) assert.ok(!value.includes(canary), `${canary} leaked`);
    }
  });

  it('3,000 events of Claude Code and Cursor sessions, a third of them delivered twice: each counted once, and the live metrics equal a rebuild from SQLite', async () => {
    const keys = redisKeys(prefix);
    // Starting 50 minutes ago: every event is in the past and inside the 1h period at both readings.
    const mix = syntheticEvents(3000, 77, Date.now() - 50 * 60_000);
    daemon = startForeground(env);
    for (const round of [mix, mix.slice(0, 1000)]) {
      const pipeline = client.pipeline();
      for (const event of round) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
      await pipeline.exec();
    }
    const sessions = new Set(mix.map((event) => `${event.platform}/${event.session_id}`));
    await waitFor('every session in Redis', async () => ((await client.zcard(keys.sessionsByActivity)) === sessions.size ? true : undefined), 60_000, 100);
    const live = await settledSnapshot(client, prefix);
    const events = Object.entries(live)
      .filter(([key]) => key.startsWith(`${keys.metricsPrefix}session:`))
      .reduce((sum, [, hash]) => sum + Number(hash.events), 0);
    assert.equal(events, mix.length, 'every event counted once, the redelivered copies not at all');
    const rebuilt = await runCli(['metrics', 'rebuild'], env);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, new RegExp(`Rebuilt the metrics of ${sessions.size} sessions`));
    assertSameMetrics(await metricsSnapshot(client, prefix), live, 'the rebuild equals the live path');
  });

  it("stores what the Cursor monitor reads from state.vscdb (composers, generations, daily line counts) through the same path, and shows Cursor's own line accept rate", async () => {
    const userDir = buildUserDir(join(home.path, 'cursor'));
    // Today's line counts, as Cursor keeps them: 40 of 50 Composer lines and 4 of 10 Tab lines kept.
    const today = new Date().toISOString().slice(0, 10);
    const global = new Database(join(userDir, 'globalStorage', 'state.vscdb'));
    global.prepare('INSERT INTO ItemTable VALUES (?, ?)').run(`aiCodeTracking.dailyStats.v1.5.${today}`, valueBytes({ date: today, tabSuggestedLines: 10, tabAcceptedLines: 4, composerSuggestedLines: 50, composerAcceptedLines: 40 }));
    global.close();
    daemon = startForeground({ ...env, BLUEPLANE_CURSOR_USER_DIRS: userDir });
    const stored = await waitFor('Cursor records in SQLite', () => {
      const counts = storedTypes(home.path);
      return counts.composer_update && counts.generation && counts.daily_code_stats ? counts : undefined;
    }, 30_000, 200);
    assert.ok(stored.composer_update! >= 1 && stored.generation! >= 1 && stored.daily_code_stats! >= 1, JSON.stringify(stored));
    const keys = redisKeys(prefix);
    const week = await waitFor("Cursor's line counts in the 7d view", async () => (await client.hget(keys.periodMetrics('platform:cursor', '7d'), 'cursor_line_acceptance')) ?? undefined, 15_000, 100);
    const lines = JSON.parse(week) as { days: number; composer: { rate: { value: number } }; tab: { rate: { value: number } } };
    assert.equal(lines.days, 1, 'only today is in the last 7 days; the fixture days are older');
    assert.equal(lines.composer.rate.value, 0.8);
    assert.equal(lines.tab.rate.value, 0.4);
    const stop = await runCli(['stop'], env);
    assert.equal(stop.code, 0, stop.stderr);
    await daemon.exited;
    // A restart reads nothing twice: the monitor's state is saved and event ids are stable.
    daemon = startForeground({ ...env, BLUEPLANE_CURSOR_USER_DIRS: userDir });
    await waitFor('the second daemon running', async () => ((await runCli(['status', '--json'], env)).stdout.includes('"state": "running"') ? true : undefined), 20_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(storedTypes(home.path), stored);
  });

  it('writes the metrics again after a reconnection to a Redis that lost them', async () => {
    const keys = redisKeys(prefix);
    daemon = startForeground(env);
    const sessionId = '0a1b2c3d-0000-4000-8000-000000000002';
    const pipeline = client.pipeline();
    for (const event of claudeSession(sessionId, Date.now() - 30_000)) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
    await pipeline.exec();
    await waitFor('the current session', async () => ((await hashOf(client, keys.currentMetrics)).session_id === sessionId ? true : undefined), 20_000, 50);
    const before = await settledSnapshot(client, prefix);
    // Only this test's keys go (the Redis is shared by the suite), then the workers' connection drops.
    await client.del(...Object.keys(before));
    const list = (await client.call('CLIENT', 'LIST')) as string;
    const workers = list.split('\n').filter((line) => / name=blueplane-workers /.test(line)).map((line) => /id=(\d+)/.exec(line)![1]!);
    assert.ok(workers.length > 0, 'the daemon names its workers connection');
    for (const id of workers) await client.call('CLIENT', 'KILL', 'ID', id);
    await waitFor('the metrics back', async () => ((await client.exists(keys.currentMetrics)) ? true : undefined), 20_000, 50);
    assertSameMetrics(await settledSnapshot(client, prefix), before, 'the same metrics as before the loss');
  });

  it('dead-letters a malformed CDC entry with its reason, keeps computing, and records a hook error as an insight of every scope', async () => {
    const keys = redisKeys(prefix);
    daemon = startForeground(env);
    await waitFor('the workers group', async () => ((await client.exists(keys.cdc)) ? (await client.xinfo('GROUPS', keys.cdc)) as unknown[] : undefined), 15_000, 50);
    await client.xadd(keys.cdc, '*', 'sequence', 'not-a-number', 'event_id', 'x');
    const letter = await waitFor('a dead letter', async () => (await client.xrange(keys.deadLetters, '-', '+')).find(([, fields]) => fields.includes('invalid_cdc_entry')), 10_000, 50);
    assert.ok(letter[1].includes('cdc'), 'names the CDC stream as its source');
    const sessionId = '0a1b2c3d-0000-4000-8000-000000000001';
    // One hook of the session could not read its input: capture is degraded, which is an insight.
    const hookError = buildHookErrorEvent('invalid_json', 12, { platform: 'claude_code', hookArg: 'PostToolUse', env: { CLAUDE_CODE_SESSION_ID: sessionId, CLAUDE_PROJECT_DIR: PROJECT }, secret: SECRET, now: Date.now() - 1000 });
    const pipeline = client.pipeline();
    for (const event of [...claudeSession(sessionId, Date.now() - 30_000), hookError]) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
    await pipeline.exec();
    const current = await waitFor('metrics after the bad entry', async () => {
      const hash = await hashOf(client, keys.currentMetrics);
      return hash.session_id === sessionId && hash.tool_calls === '3' ? hash : undefined;
    }, 20_000, 50);
    assert.equal(current.tool_errors, '1');

    const insights = await waitFor('the hook-error insight', () => readInsights(home.path).filter((row) => row.rule === 'hook_errors').length >= 4 && readInsights(home.path), 30_000, 250);
    const scopes = insights.filter((row) => row.rule === 'hook_errors').map((row) => row.scope).sort();
    assert.deepEqual(scopes, ['all', 'platform', 'project', 'session']);
    const session = insights.find((row) => row.scope === 'session')!;
    assert.equal(session.scope_key, `claude_code:${sessionId}`);
    assert.equal(JSON.parse(session.evidence).hook_errors, 1);
    assert.equal(session.resolved_at, null);
  });
});
