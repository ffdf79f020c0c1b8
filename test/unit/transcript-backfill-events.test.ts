// The hook events rebuilt from a transcript (core/transcripts/transcript-backfill-events.ts): on the
// real 2.1.39 sample (../shared/fixtures/claude-transcript-sample.jsonl) the counts worked out by
// hand from its 22 lines, ids that do not change between readings, events equal to what the hooks'
// own buildEvent stores for the same facts, and no text of the transcript in any event.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEvent } from '../../core/capture/build-event.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { transcriptBackfillEvents } from '../../core/transcripts/transcript-backfill-events.ts';
import { FIXTURES_DIR } from '../support/fixtures.ts';

const SECRET = Buffer.alloc(32, 7);
const SESSION = '4d5611e5-241a-462a-8d15-5122611a9569';
const CWD = '/home/USER/projects/spotter-worktrees/spotter-dov';

function fixtureLines(): Array<Record<string, unknown>> {
  return readFileSync(join(FIXTURES_DIR, 'claude-transcript-sample.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function countBy(events: readonly TelemetryEvent[], key: (event: TelemetryEvent) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[key(event)] = (counts[key(event)] ?? 0) + 1;
  return counts;
}

function byType(events: readonly TelemetryEvent[], type: string): TelemetryEvent[] {
  return events.filter((event) => event.event_type === type);
}

/** The event a hook would have stored for `stdin`: the same session, cwd and project as the transcript's. */
function hookEvent(timestamp: string, stdin: Record<string, unknown>): TelemetryEvent {
  return buildEvent(
    { session_id: SESSION, transcript_path: `/home/USER/.claude/projects/-home-USER-projects/${SESSION}.jsonl`, cwd: CWD, ...stdin },
    { platform: 'claude_code', env: { CLAUDE_PROJECT_DIR: CWD }, secret: SECRET, now: Date.parse(timestamp) },
  );
}

function withoutId(event: TelemetryEvent): string {
  return JSON.stringify({ ...event, event_id: undefined });
}

describe('transcript backfill events', () => {
  describe('the real 2.1.39 sample', () => {
    const events = transcriptBackfillEvents(SESSION, fixtureLines(), SECRET);

    it('has the counts read off its 22 lines by hand', () => {
      // Line 3 is the one typed prompt; lines 6, 9, 12 call Bash, Task and Read; lines 8 and 13 are
      // results (the Bash "✓ Updated issue" and the Write "create"), line 20 the failed git push
      // (is_error, exit code 128); line 15 is the turn's duration record (every stop_reason is null
      // in 2.1.39); line 17 the automatic compaction. The sidechain lines 21 and 22 are text only.
      assert.deepEqual(countBy(events, (event) => event.event_type), {
        session_start: 1,
        user_prompt: 1,
        tool_start: 3,
        tool_use: 2,
        tool_failure: 1,
        turn_end: 1,
        compaction_start: 1,
      });
      assert.deepEqual(countBy(byType(events, 'tool_start'), (event) => event.payload.tool ?? 'none'), { Bash: 1, Task: 1, Read: 1 });
      // The sample holds no call for its three results (they are other lines of the session): no tool name.
      assert.deepEqual(countBy([...byType(events, 'tool_use'), ...byType(events, 'tool_failure')], (event) => event.payload.tool ?? 'none'), { none: 3 });
    });

    it('keeps the facts a hook would have: sizes, command name, subagent type, exit code, new file, trigger, model', () => {
      const [prompt] = byType(events, 'user_prompt');
      assert.equal(prompt!.timestamp, '2026-02-12T16:02:25.284Z');
      assert.equal(prompt!.payload.prompt_words, 26);
      assert.equal(prompt!.payload.prompt_chars, 148);
      assert.equal(prompt!.metadata.permission_mode, 'bypassPermissions');
      const starts = byType(events, 'tool_start');
      assert.equal(starts.find((event) => event.payload.tool === 'Bash')!.payload.command_name, 'bd');
      assert.equal(starts.find((event) => event.payload.tool === 'Task')!.payload.subagent_type, 'Explore');
      assert.equal(starts.find((event) => event.payload.tool === 'Read')!.payload.file_extension, '.ex');
      const [failure] = byType(events, 'tool_failure');
      assert.equal(failure!.payload.exit_code, 128);
      assert.equal(failure!.payload.error_class, 'non_zero_exit');
      assert.equal(failure!.payload.tool_use_id, 'toolu_011PBtiDwwmP44wZUbt17q6v');
      assert.equal(byType(events, 'tool_use').filter((event) => event.payload.is_new_file === true).length, 1);
      assert.equal(byType(events, 'compaction_start')[0]!.payload.trigger, 'auto');
      assert.equal(byType(events, 'turn_end')[0]!.timestamp, '2026-02-12T16:08:07.223Z');
      const [start] = byType(events, 'session_start');
      assert.equal(start!.timestamp, '2026-02-12T16:02:23.545Z', 'the first line of the main chain');
      assert.equal(start!.metadata.model, 'claude-opus-4-6');
      for (const event of events) {
        assert.equal(event.session_id, SESSION);
        assert.equal(event.platform, 'claude_code');
        assert.equal(event.metadata.agent_id, undefined, 'no event of this sample comes from a subagent');
      }
    });

    it('gives the same event ids (and events) every time it is read, and distinct ids within the session', () => {
      const again = transcriptBackfillEvents(SESSION, fixtureLines(), SECRET);
      assert.deepEqual(again, events);
      assert.equal(new Set(events.map((event) => event.event_id)).size, events.length);
      // Reading the lines in another order (subagent files first, say) changes nothing but the order.
      const reversed = transcriptBackfillEvents(SESSION, fixtureLines().reverse(), SECRET);
      assert.deepEqual(new Set(reversed.map((event) => event.event_id)), new Set(events.map((event) => event.event_id)));
    });

    it("is byte for byte what the hooks' buildEvent stores for the same payload, but for the event id", () => {
      const lines = fixtureLines();
      const prompt = lines[2]!;
      assert.equal(
        withoutId(byType(events, 'user_prompt')[0]!),
        withoutId(hookEvent(prompt.timestamp as string, { permission_mode: 'bypassPermissions', hook_event_name: 'UserPromptSubmit', prompt: (prompt.message as { content: string }).content })),
      );
      const bash = (lines[5]!.message as { content: Array<Record<string, unknown>> }).content[0]!;
      assert.equal(
        withoutId(byType(events, 'tool_start').find((event) => event.payload.tool === 'Bash')!),
        withoutId(hookEvent(lines[5]!.timestamp as string, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: bash.input, tool_use_id: bash.id })),
      );
      const result = lines[7]!;
      assert.equal(
        withoutId(byType(events, 'tool_use').find((event) => event.payload.tool_use_id === 'toolu_01MrjswgnHGxv7bUELk2gRTP')!),
        withoutId(hookEvent(result.timestamp as string, { hook_event_name: 'PostToolUse', tool_use_id: 'toolu_01MrjswgnHGxv7bUELk2gRTP', tool_response: result.toolUseResult })),
      );
      const failed = lines[19]!;
      const error = (failed.message as { content: Array<{ content: string }> }).content[0]!.content;
      assert.equal(
        withoutId(byType(events, 'tool_failure')[0]!),
        withoutId(hookEvent(failed.timestamp as string, { hook_event_name: 'PostToolUseFailure', tool_use_id: 'toolu_011PBtiDwwmP44wZUbt17q6v', error })),
      );
      assert.equal(withoutId(byType(events, 'compaction_start')[0]!), withoutId(hookEvent('2026-02-12T20:30:28.504Z', { hook_event_name: 'PreCompact', trigger: 'auto' })));
      assert.equal(withoutId(byType(events, 'turn_end')[0]!), withoutId(hookEvent('2026-02-12T16:08:07.223Z', { hook_event_name: 'Stop', stop_hook_active: false })));
      for (const event of events) assert.match(event.hook_type, /^(?:SessionStart|UserPromptSubmit|PreToolUse|PostToolUse|PostToolUseFailure|Stop|PreCompact)$/);
    });

    it('ignores the lines of other sessions', () => {
      assert.deepEqual(transcriptBackfillEvents('0a1b2c3d-0000-4000-8000-000000000000', fixtureLines(), SECRET), []);
    });
  });

  describe('a complete session (≥ 2.1.97 lines: one line per block, stop_reason on each)', () => {
    const at = (second: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, second)).toISOString();
    let uuid = 0;
    const base = (second: number, extra: Record<string, unknown>) => ({
      sessionId: SESSION,
      cwd: CWD,
      version: '2.1.200',
      isSidechain: false,
      uuid: `00000000-0000-4000-8000-${String(++uuid).padStart(12, '0')}`,
      timestamp: at(second),
      ...extra,
    });
    const prompt = (second: number, text: string) => base(second, { type: 'user', permissionMode: 'acceptEdits', message: { role: 'user', content: text } });
    const assistant = (second: number, id: string, stop: string, block: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      base(second, { type: 'assistant', requestId: `req_${id}`, message: { id: `msg_${id}`, model: 'claude-sonnet-4-5', role: 'assistant', stop_reason: stop, content: [block] }, ...extra });
    const result = (second: number, id: string, content: string, toolUseResult: unknown, isError = false, extra: Record<string, unknown> = {}) =>
      base(second, { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] }, toolUseResult, ...extra });
    const lines = [
      prompt(0, 'fix the tests'),
      assistant(1, 'r1aaaaaa', 'tool_use', { type: 'text', text: 'Looking.' }),
      assistant(2, 'r1aaaaaa', 'tool_use', { type: 'tool_use', id: 'toolu_read000001', name: 'Read', input: { file_path: `${CWD}/a.ts` } }),
      assistant(2, 'r1aaaaaa', 'tool_use', { type: 'tool_use', id: 'toolu_bash000001', name: 'Bash', input: { command: 'npm test' } }),
      result(3, 'toolu_read000001', 'file text', { type: 'text', file: { numLines: 3 } }),
      result(5, 'toolu_bash000001', 'Exit code 1\nfailed', 'Error: Exit code 1\nfailed', true),
      assistant(6, 'r2aaaaaa', 'tool_use', { type: 'tool_use', id: 'toolu_edit000001', name: 'Edit', input: { file_path: `${CWD}/a.ts`, old_string: 'a', new_string: 'b\nc' } }),
      result(7, 'toolu_edit000001', 'ok', { filePath: `${CWD}/a.ts`, structuredPatch: [{ lines: ['-a', '+b', '+c'] }] }),
      // A subagent's call: a tool call of the session, not a prompt or a turn of it.
      assistant(8, 'r3aaaaaa', 'end_turn', { type: 'tool_use', id: 'toolu_grep000001', name: 'Grep', input: { pattern: 'x' } }, { isSidechain: true, agentId: 'a1b2c3d' }),
      result(9, 'toolu_grep000001', 'none', { numFiles: 0 }, false, { isSidechain: true, agentId: 'a1b2c3d' }),
      base(9, { type: 'user', isSidechain: true, agentId: 'a1b2c3d', message: { role: 'user', content: 'the task prompt of the subagent' } }),
      assistant(10, 'r4aaaaaa', 'end_turn', { type: 'text', text: 'Done: one test fails.' }),
      assistant(11, 'r4aaaaaa', 'end_turn', { type: 'text', text: 'More.' }),
      base(11, { type: 'system', subtype: 'turn_duration', durationMs: 11_000 }),
      base(20, { type: 'user', message: { role: 'user', content: '<command-name>/clear</command-name>' } }),
      base(21, { type: 'user', isMeta: true, message: { role: 'user', content: 'Caveat: meta' } }),
      prompt(30, 'and now the docs'),
      assistant(31, 'r5aaaaaa', 'tool_use', { type: 'tool_use', id: 'toolu_bash000002', name: 'Bash', input: { command: 'sleep 100' } }),
      result(40, 'toolu_bash000002', 'interrupted', { stdout: '', stderr: '', interrupted: true }),
      base(41, { type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user for tool use]' }] } }),
    ];
    const events = transcriptBackfillEvents(SESSION, lines, SECRET);

    it('counts typed prompts only, pairs calls with results by id, ends the turn once per response', () => {
      assert.deepEqual(countBy(events, (event) => event.event_type), { session_start: 1, user_prompt: 2, tool_start: 5, tool_use: 3, tool_failure: 2, turn_end: 1 });
      const outcome = (id: string) => events.find((event) => (event.event_type === 'tool_use' || event.event_type === 'tool_failure') && event.payload.tool_use_id === id)!;
      assert.equal(outcome('toolu_read000001').payload.tool, 'Read');
      assert.equal(outcome('toolu_bash000001').event_type, 'tool_failure');
      assert.equal(outcome('toolu_bash000001').payload.exit_code, 1);
      assert.equal(outcome('toolu_bash000001').payload.command_name, 'npm');
      assert.deepEqual([outcome('toolu_edit000001').payload.lines_added, outcome('toolu_edit000001').payload.lines_removed], [2, 1]);
      assert.equal(outcome('toolu_grep000001').metadata.agent_id, 'a1b2c3d');
      assert.equal(outcome('toolu_bash000002').event_type, 'tool_failure');
      assert.equal(outcome('toolu_bash000002').payload.is_interrupt, true);
      assert.equal(outcome('toolu_bash000002').payload.error_class, 'interrupted');
      const [turnEnd] = byType(events, 'turn_end');
      assert.equal(turnEnd!.timestamp, at(11), 'the Stop of a response comes after its last line');
      assert.deepEqual(byType(events, 'user_prompt').map((event) => event.metadata.permission_mode), ['acceptEdits', 'acceptEdits']);
    });

    it('does not let code, a path, prompt text, a shell command or a secret survive', () => {
      const secretKey = 'sk-ant-api03-CANARYSECRETKEY0123456789abcdefghij';
      const canaries = [
        'function canaryCode() { return 42; }',
        '/home/canary-user/secret-project/src/canary-file.ts',
        'canary prompt: please refactor the billing module',
        'rm -rf /tmp/canary-dir && curl https://canary.example/x',
        secretKey,
      ];
      const [code, path, promptText, command] = canaries;
      const planted = [
        base(0, { type: 'user', cwd: '/home/canary-user/secret-project', message: { role: 'user', content: `${promptText} ${secretKey}` } }),
        assistant(1, 'c1aaaaaa', 'tool_use', { type: 'tool_use', id: 'toolu_planted001', name: 'Bash', input: { command: `${command} --token ${secretKey}` } }, { cwd: '/home/canary-user/secret-project' }),
        result(2, 'toolu_planted001', `Exit code 2\n${command}: ${path}`, `Error: ${secretKey}`, true),
        assistant(3, 'c2aaaaaa', 'tool_use', { type: 'tool_use', id: 'toolu_planted002', name: 'Write', input: { file_path: path, content: code } }),
        result(4, 'toolu_planted002', `File created successfully at: ${path}`, { type: 'create', filePath: path, content: code, structuredPatch: [] }),
        assistant(5, 'c3aaaaaa', 'end_turn', { type: 'text', text: `${code} ${promptText}` }),
        base(6, { type: 'system', subtype: 'compact_boundary', compactMetadata: { trigger: secretKey, preTokens: 10 } }),
      ];
      const produced = transcriptBackfillEvents(SESSION, planted, SECRET);
      assert.ok(produced.length >= 6, `${produced.length} events`);
      const json = JSON.stringify(produced);
      for (const canary of [...canaries, 'canary', 'secret-project', 'CANARYSECRET', 'refactor', 'curl', 'return 42']) assert.ok(!json.includes(canary), `${canary} leaked`);
    });
  });
});
