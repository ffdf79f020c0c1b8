// The backfill service (core/transcripts/transcript-backfill.ts) on real files in a temp projects
// folder, with its clock, quiet time, hook-event check, delivery and state store injected: a
// session is backfilled only once it has been quiet, never when it has hook events, exactly once
// (also across a restart, through the saved state), and again on the next pass when the commit failed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform, TelemetryEvent } from '../../core/event/envelope.ts';
import { jsonFileStore } from '../../core/transcripts/transcript-state.ts';
import { sanitizeBackfillState, TranscriptBackfill, type BackfillState, type TranscriptBackfillOptions } from '../../core/transcripts/transcript-backfill.ts';
import type { TranscriptSession } from '../../core/transcripts/transcript-sessions.ts';
import { memoryLog } from '../support/memory-log.ts';

const SECRET = Buffer.alloc(32, 9);
const MINUTE = 60_000;
const QUIET_MS = 10 * MINUTE;
/** When the sessions' last lines were written. */
const LAST_LINE_MS = Date.parse('2026-11-20T10:00:00.000Z');

const HOOKLESS = '11111111-1111-4111-8111-111111111111';
const HOOKED = '22222222-2222-4222-8222-222222222222';

/** A session's main file: a prompt, a Bash call and its result, the turn's end (4 s long, ending at LAST_LINE_MS). */
function sessionLines(sessionId: string): string {
  const at = (secondsBeforeEnd: number) => new Date(LAST_LINE_MS - secondsBeforeEnd * 1000).toISOString();
  const line = (seconds: number, fields: Record<string, unknown>) => JSON.stringify({ sessionId, cwd: '/work/project', isSidechain: false, uuid: `00000000-0000-4000-8000-${sessionId.slice(0, 4)}0000000${seconds}`, timestamp: at(seconds), ...fields });
  return [
    line(4, { type: 'user', message: { role: 'user', content: 'run the tests' } }),
    line(3, { type: 'assistant', message: { id: 'msg_aaaaaaaa', role: 'assistant', stop_reason: 'tool_use', content: [{ type: 'tool_use', id: `toolu_${sessionId.slice(0, 8)}`, name: 'Bash', input: { command: 'npm test' } }] } }),
    line(2, { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${sessionId.slice(0, 8)}`, content: 'ok' }] }, toolUseResult: { stdout: 'ok', stderr: '', interrupted: false } }),
    line(0, { type: 'assistant', message: { id: 'msg_bbbbbbbb', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text', text: 'All green.' }] } }),
  ].join('\n') + '\n';
}

/** A subagent's file of the session: one Grep call with its result. */
function subagentLines(sessionId: string): string {
  const at = new Date(LAST_LINE_MS - 1000).toISOString();
  const common = { sessionId, cwd: '/work/project', isSidechain: true, agentId: 'a7e1d2c', timestamp: at };
  return [
    JSON.stringify({ ...common, uuid: '00000000-0000-4000-8000-00000000aa01', type: 'assistant', message: { id: 'msg_cccccccc', role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_subagent01', name: 'Grep', input: { pattern: 'x' } }] } }),
    JSON.stringify({ ...common, uuid: '00000000-0000-4000-8000-00000000aa02', type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_subagent01', content: 'none' }] }, toolUseResult: { numFiles: 0 } }),
  ].join('\n') + '\n';
}

interface Harness {
  root: string;
  stateFile: string;
  delivered: TelemetryEvent[][];
  hookChecks: Array<[Platform, string]>;
  /** What the next deliveries do: throw while failures > 0. */
  failures: number;
  clock: number;
  hooked: Set<string>;
  service(overrides?: Partial<TranscriptBackfillOptions>): TranscriptBackfill;
  remove(): void;
}

function harness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'blueplane-backfill-'));
  const root = join(dir, 'projects');
  const project = join(root, '-work-project');
  mkdirSync(join(project, HOOKLESS, 'subagents'), { recursive: true });
  const files = [
    [join(project, `${HOOKLESS}.jsonl`), sessionLines(HOOKLESS)],
    [join(project, HOOKLESS, 'subagents', 'agent-a7e1d2c.jsonl'), subagentLines(HOOKLESS)],
    [join(project, `${HOOKED}.jsonl`), sessionLines(HOOKED)],
  ] as const;
  for (const [path, text] of files) {
    writeFileSync(path, text);
    // The files were last written with their last line.
    utimesSync(path, LAST_LINE_MS / 1000, LAST_LINE_MS / 1000);
  }
  const sessions: TranscriptSession[] = [HOOKLESS, HOOKED].map((id) => ({ session_id: id, first_timestamp: new Date(LAST_LINE_MS - 4000).toISOString(), last_timestamp: new Date(LAST_LINE_MS).toISOString() }));
  const h: Harness = {
    root,
    stateFile: join(dir, 'transcript-backfill.json'),
    delivered: [],
    hookChecks: [],
    failures: 0,
    clock: LAST_LINE_MS,
    hooked: new Set([HOOKED]),
    service: (overrides = {}) =>
      new TranscriptBackfill({
        secret: SECRET,
        roots: [root],
        sessions: () => sessions,
        hasHookEvents: (platform, sessionId) => {
          h.hookChecks.push([platform, sessionId]);
          return h.hooked.has(sessionId);
        },
        deliver: (events) => {
          if (h.failures > 0) {
            h.failures--;
            throw new Error('SQLITE_BUSY');
          }
          h.delivered.push(events);
        },
        store: jsonFileStore<BackfillState>(h.stateFile, sanitizeBackfillState),
        quietMs: QUIET_MS,
        now: () => h.clock,
        ...overrides,
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  return h;
}

describe('transcript backfill service', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.remove());

  it('waits until the session has been quiet for the quiet time, then backfills it with its subagent files', async () => {
    const service = h.service();
    h.clock = LAST_LINE_MS + QUIET_MS - 1;
    const early = await service.runPass();
    assert.deepEqual([early.candidates, early.waiting, early.backfilled], [2, 2, 0]);
    assert.equal(h.delivered.length, 0);
    assert.deepEqual(h.hookChecks, [], 'a session is not even looked up before it is quiet');
    h.clock = LAST_LINE_MS + QUIET_MS;
    const report = await service.runPass();
    assert.deepEqual([report.backfilled, report.hooked, report.failed], [1, 1, 0]);
    assert.equal(h.delivered.length, 1);
    const events = h.delivered[0]!;
    assert.ok(events.every((event) => event.session_id === HOOKLESS));
    const types = events.map((event) => `${event.event_type}:${event.payload.tool ?? ''}`).sort();
    assert.deepEqual(types, ['session_start:', 'tool_start:Bash', 'tool_start:Grep', 'tool_use:Bash', 'tool_use:Grep', 'turn_end:', 'user_prompt:']);
    assert.equal(report.events, 7);
  });

  it('takes a quiet time from its options: a short one lets a recent session through', async () => {
    h.clock = LAST_LINE_MS + 2000;
    assert.equal((await h.service().runPass()).backfilled, 0);
    assert.equal((await h.service({ quietMs: 1000 }).runPass()).backfilled, 1);
  });

  it('waits for a file still being written even when the last line read is old', async () => {
    h.clock = LAST_LINE_MS + QUIET_MS;
    const main = join(h.root, '-work-project', `${HOOKLESS}.jsonl`);
    const recent = (h.clock - MINUTE) / 1000;
    utimesSync(main, recent, recent);
    const report = await h.service().runPass();
    assert.deepEqual([report.backfilled, report.waiting], [0, 1]);
    assert.equal(h.delivered.length, 0);
  });

  it('never backfills a session with hook events, and asks about it (for Claude Code) only once', async () => {
    h.clock = LAST_LINE_MS + QUIET_MS;
    h.hooked.add(HOOKLESS);
    const service = h.service();
    const report = await service.runPass();
    assert.deepEqual([report.backfilled, report.hooked], [0, 2]);
    assert.equal(h.delivered.length, 0);
    assert.deepEqual(h.hookChecks.sort(), [['claude_code', HOOKLESS], ['claude_code', HOOKED]]);
    await service.runPass();
    assert.equal(h.hookChecks.length, 2, 'a session left to its hooks is settled');
    assert.ok(service.isSettled(HOOKED));
  });

  it('backfills a session exactly once, across passes and across a restart (the saved state)', async () => {
    h.clock = LAST_LINE_MS + QUIET_MS;
    const first = h.service();
    await first.runPass();
    await first.runPass();
    assert.equal(h.delivered.length, 1);
    await first.close();
    const restarted = h.service();
    assert.ok(restarted.isSettled(HOOKLESS));
    const report = await restarted.runPass();
    assert.deepEqual([report.candidates, report.backfilled], [0, 0]);
    assert.equal(h.delivered.length, 1);
  });

  it('tries a session again on the next pass when the commit failed, and saves nothing past the failure', async () => {
    h.clock = LAST_LINE_MS + QUIET_MS;
    h.failures = 1;
    const log = memoryLog();
    const service = h.service({ log });
    const failed = await service.runPass();
    assert.deepEqual([failed.failed, failed.backfilled], [1, 0]);
    assert.equal(service.isSettled(HOOKLESS), false);
    assert.equal(h.service().isSettled(HOOKLESS), false, 'the saved state does not hold it either');
    assert.ok(log.lines.some((line) => line.event === 'transcript_backfill_session_failed' && line.fields.code === 'Error'));
    const retried = await service.runPass();
    assert.deepEqual([retried.failed, retried.backfilled], [0, 1]);
    assert.equal(h.delivered.length, 1);
    assert.ok(h.service().isSettled(HOOKLESS));
  });

  it('runs a first pass on start() and stops on close(), which is idempotent', async () => {
    h.clock = LAST_LINE_MS + QUIET_MS;
    const service = h.service({ intervalMs: 60_000 });
    service.start();
    service.start();
    for (let waited = 0; h.delivered.length === 0; waited += 10) {
      assert.ok(waited < 5000, 'no first pass');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await service.close();
    await service.close();
    h.hooked.clear();
    const afterClose = await service.runPass();
    assert.deepEqual([afterClose.candidates, afterClose.hooked], [0, 0], 'a closed service does nothing');
    assert.equal(h.delivered.length, 1);
  });
});
