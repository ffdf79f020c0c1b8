// The transcript backfill in the real daemon (a child process, a private Redis, a real SQLite file,
// the monitors pointed at a projects folder in the temp home): a Claude Code session whose hooks
// never fired, quiet for hours, becomes the metrics its hooks would have given (prompts, tool calls
// per tool, tool errors), once, also across a restart; a session whose hooks did fire keeps exactly
// its hooks' events and numbers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { buildEvent } from '../../core/capture/build-event.ts';
import { telemetryDatabasePath } from '../../core/daemon/ingest-pipeline.ts';
import { SqliteDatabase } from '../../core/daemon/sqlite-binding.ts';
import { streamEntryFields } from '../../core/event/envelope.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { BACKFILL_STATE_FILE } from '../../core/monitors/monitors.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { CLI_PATH, daemonEnv, ensureBuiltCli, killIfAlive, killLeftovers, readJson, runCli, startForeground, statusJson, waitFor } from '../support/daemon-process.ts';
import type { ForegroundDaemon } from '../support/daemon-process.ts';
import { REPO_ROOT } from '../support/hook-process.ts';
import { tempHome, uniquePrefix } from '../support/hook-fixtures.ts';
import type { TempHome } from '../support/hook-fixtures.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';

const SECRET = Buffer.alloc(32, 3);
const PROJECT = '/home/dev/backfill-project';
const HOOKLESS = '5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';
const HOOKED = '6c1d2e3f-4051-4b6c-9d7e-8f90a1b2c3d4';
/** The sessions ended two hours ago: long quiet for the default quiet time. */
const START_MS = Date.now() - 2 * 3_600_000;

type Line = Record<string, unknown>;

/** Transcript lines as Claude Code ≥ 2.1.97 writes them; each assistant line carries its response's usage. */
function transcript(sessionId: string) {
  let n = 0;
  const at = (seconds: number) => new Date(START_MS + seconds * 1000).toISOString();
  const base = (seconds: number, fields: Line): Line => ({
    sessionId,
    cwd: PROJECT,
    version: '2.1.200',
    isSidechain: false,
    uuid: `${sessionId.slice(0, 24)}${String(++n).padStart(12, '0')}`,
    timestamp: at(seconds),
    ...fields,
  });
  const usage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  return {
    prompt: (seconds: number, text: string) => base(seconds, { type: 'user', permissionMode: 'default', message: { role: 'user', content: text } }),
    call: (seconds: number, response: string, id: string, name: string, input: Line) =>
      base(seconds, { type: 'assistant', requestId: `req_${response}`, message: { id: `msg_${response}`, model: 'claude-sonnet-4-5', role: 'assistant', stop_reason: 'tool_use', usage, content: [{ type: 'tool_use', id, name, input }] } }),
    result: (seconds: number, id: string, content: string, toolUseResult: unknown, isError = false) =>
      base(seconds, { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] }, toolUseResult }),
    answer: (seconds: number, response: string) =>
      base(seconds, { type: 'assistant', requestId: `req_${response}`, message: { id: `msg_${response}`, model: 'claude-sonnet-4-5', role: 'assistant', stop_reason: 'end_turn', usage, content: [{ type: 'text', text: 'done' }] } }),
  };
}

/**
 * Two prompts; the first turn reads a file, runs a failing test command and edits the file, the
 * second runs the tests again, which pass. By hand: 2 prompts, 4 tool calls (Bash 2 with 1 failed,
 * Read 1, Edit 1), 1 tool error.
 */
function hooklessLines(): Line[] {
  const t = transcript(HOOKLESS);
  const file = `${PROJECT}/src/app.ts`;
  return [
    t.prompt(0, 'fix the failing test'),
    t.call(1, 'h1aaaaaa', 'toolu_read00000001', 'Read', { file_path: file }),
    t.result(2, 'toolu_read00000001', 'const a = 1;', { type: 'text', file: { filePath: file, numLines: 1 } }),
    t.call(3, 'h2aaaaaa', 'toolu_bash00000001', 'Bash', { command: 'npm test' }),
    t.result(6, 'toolu_bash00000001', 'Exit code 1\n1 failing', 'Error: Exit code 1\n1 failing', true),
    t.call(7, 'h3aaaaaa', 'toolu_edit00000001', 'Edit', { file_path: file, old_string: 'const a = 1;', new_string: 'const a = 2;' }),
    t.result(8, 'toolu_edit00000001', 'The file has been updated.', { filePath: file, structuredPatch: [{ lines: ['-const a = 1;', '+const a = 2;'] }] }),
    t.answer(9, 'h4aaaaaa'),
    t.prompt(20, 'run them again'),
    t.call(21, 'h5aaaaaa', 'toolu_bash00000002', 'Bash', { command: 'npm test' }),
    t.result(24, 'toolu_bash00000002', 'ok', { stdout: 'ok', stderr: '', interrupted: false }),
    t.answer(25, 'h6aaaaaa'),
  ];
}

/** One prompt and one Bash call that passes: the same facts in the transcript and in the hooks' events. */
function hookedLines(): Line[] {
  const t = transcript(HOOKED);
  return [t.prompt(0, 'run the tests'), t.call(1, 'k1aaaaaa', 'toolu_bash00000009', 'Bash', { command: 'npm test' }), t.result(3, 'toolu_bash00000009', 'ok', { stdout: 'ok', stderr: '', interrupted: false }), t.answer(4, 'k2aaaaaa')];
}

function hookedEvents(): TelemetryEvent[] {
  const hook = (seconds: number, payload: Line) =>
    buildEvent({ session_id: HOOKED, cwd: PROJECT, transcript_path: `${PROJECT}/t.jsonl`, permission_mode: 'default', ...payload }, { platform: 'claude_code', env: { CLAUDE_PROJECT_DIR: PROJECT }, secret: SECRET, now: START_MS + seconds * 1000 });
  const bash = { tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'toolu_bash00000009' };
  return [
    hook(0, { hook_event_name: 'SessionStart', source: 'startup' }),
    hook(0, { hook_event_name: 'UserPromptSubmit', prompt: 'run the tests' }),
    hook(1, { hook_event_name: 'PreToolUse', ...bash }),
    hook(3, { hook_event_name: 'PostToolUse', ...bash, tool_response: { stdout: 'ok', stderr: '', interrupted: false } }),
    hook(4, { hook_event_name: 'Stop', stop_hook_active: false }),
  ];
}

/** Writes a session's transcript into the projects folder, last modified when its last line was written. */
function writeTranscript(home: string, sessionId: string, lines: readonly Line[]): void {
  const folder = join(home, 'claude-projects', '-home-dev-backfill-project');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${sessionId}.jsonl`);
  writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const last = Date.parse(lines.at(-1)!.timestamp as string) / 1000;
  utimesSync(path, last, last);
}

/** Stored rows of a session per event type, as any SQLite reader sees them. */
function storedTypes(home: string, sessionId: string): Record<string, number> {
  if (!existsSync(telemetryDatabasePath(home))) return {};
  const db = new SqliteDatabase(telemetryDatabasePath(home), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT event_type, count(*) AS n FROM raw_traces WHERE session_id = ? GROUP BY event_type').all(sessionId) as Array<{ event_type: string; n: number }>;
    return Object.fromEntries(rows.map((row) => [row.event_type, row.n]));
  } finally {
    db.close();
  }
}

interface SessionReport {
  usage: { prompts: number; tool_calls: number; tools: Record<string, { calls: number; succeeded: number; failed: number; interrupted: number }> };
  errors: { errors: number };
  quality: { events: number };
}

/** `blueplane analyze <id> --json` once the stored metrics cover `events` events of the session. */
async function analyzed(env: Record<string, string>, sessionId: string, events: number): Promise<SessionReport> {
  return waitFor(`the metrics of ${sessionId} over ${events} events`, async () => {
    const run = await runCli(['analyze', sessionId, '--json'], env);
    if (run.code !== 0) return undefined;
    const report = JSON.parse(run.stdout) as SessionReport;
    return report.quality.events === events ? report : undefined;
  }, 30_000, 250);
}

function backfillState(home: string): Record<string, { events: number; hooks?: true }> {
  return readJson<{ sessions: Record<string, { events: number; hooks?: true }> }>(join(home, BACKFILL_STATE_FILE))?.sessions ?? {};
}

function toolCounts(report: SessionReport): Record<string, [number, number, number]> {
  return Object.fromEntries(Object.entries(report.usage.tools).map(([tool, view]) => [tool, [view.calls, view.succeeded, view.failed]]));
}

function newestCoreSource(folder = join(REPO_ROOT, 'core')): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestCoreSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** ensureBuiltCli rebuilds only the hooks' bundles: the daemon under test must be built from the current core/ too. */
function ensureCurrentCli(): void {
  ensureBuiltCli();
  if (existsSync(CLI_PATH) && statSync(CLI_PATH).mtimeMs >= newestCoreSource()) return;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), 'cli'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building dist/core/cli.js failed:\n${result.stdout}${result.stderr}`);
}

describe('transcript backfill in the daemon', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let client: Redis;
  let home: TempHome;
  let env: Record<string, string>;
  let daemon: ForegroundDaemon | undefined;

  const stopDaemon = async () => {
    const stop = await runCli(['stop'], env);
    assert.equal(stop.code, 0, stop.stderr);
    await daemon!.exited;
    daemon = undefined;
  };

  before(async () => {
    ensureCurrentCli();
    redis = await startRedis();
    client = new Redis(redis.url, { protocol: 2 });
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  beforeEach(() => {
    home = tempHome();
    env = daemonEnv(home.path, redis.url, uniquePrefix());
  });
  afterEach(() => {
    killIfAlive(daemon?.child.pid);
    daemon = undefined;
    killLeftovers(home.path);
    home.remove();
  });

  it("gives a hookless, long-quiet session the hooks' numbers (prompts, tool calls per tool, errors), once, also after a restart", async () => {
    writeTranscript(home.path, HOOKLESS, hooklessLines());
    daemon = startForeground(env);
    await waitFor('the session backfilled', () => backfillState(home.path)[HOOKLESS], 30_000, 100);
    const stored = storedTypes(home.path, HOOKLESS);
    // 6 responses of the transcript monitor, and the events the hooks would have sent.
    assert.deepEqual(stored, { session_start: 1, token_usage: 6, tool_failure: 1, tool_start: 4, tool_use: 3, turn_end: 2, user_prompt: 2 });
    assert.equal(backfillState(home.path)[HOOKLESS]!.events, 13);
    const report = await analyzed(env, HOOKLESS, 19);
    assert.equal(report.usage.prompts, 2);
    assert.equal(report.usage.tool_calls, 4);
    assert.deepEqual(toolCounts(report), { Bash: [2, 1, 1], Edit: [1, 1, 0], Read: [1, 1, 0] });
    assert.equal(report.errors.errors, 1);

    await stopDaemon();
    daemon = startForeground(env);
    await waitFor('the second daemon running', async () => ((await statusJson(env).catch(() => undefined))?.state === 'running' ? true : undefined), 20_000, 200);
    // The watcher's first pass and a backfill pass run at start; give them time to do anything they would.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.deepEqual(storedTypes(home.path, HOOKLESS), stored, 'nothing stored twice');
    assert.equal((await analyzed(env, HOOKLESS, 19)).usage.tool_calls, 4);
  });

  it('leaves a session whose hooks fired to its hooks: its events and numbers are not doubled', async () => {
    const keys = redisKeys(env.BLUEPLANE_REDIS_PREFIX!);
    daemon = startForeground(env);
    const pipeline = client.pipeline();
    for (const event of hookedEvents()) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
    await pipeline.exec();
    await waitFor("the hooks' events stored", () => (storedTypes(home.path, HOOKED).turn_end === 1 ? true : undefined), 20_000, 100);
    await stopDaemon();

    // Now the transcripts: the hooked session's, telling the same facts, and a hookless one beside it.
    writeTranscript(home.path, HOOKED, hookedLines());
    writeTranscript(home.path, HOOKLESS, hooklessLines());
    daemon = startForeground(env);
    await waitFor('both sessions settled', () => {
      const state = backfillState(home.path);
      return state[HOOKED] && state[HOOKLESS] ? state : undefined;
    }, 30_000, 100);
    assert.deepEqual(backfillState(home.path)[HOOKED], { ...backfillState(home.path)[HOOKED], events: 0, hooks: true });
    assert.deepEqual(storedTypes(home.path, HOOKED), { session_start: 1, token_usage: 2, tool_start: 1, tool_use: 1, turn_end: 1, user_prompt: 1 });
    const report = await analyzed(env, HOOKED, 7);
    assert.equal(report.usage.prompts, 1);
    assert.deepEqual(toolCounts(report), { Bash: [1, 1, 0] });
    assert.equal(report.errors.errors, 0);
    assert.equal((await analyzed(env, HOOKLESS, 19)).usage.tool_calls, 4, 'the hookless session beside it was backfilled');
  });
});
