import assert from 'node:assert/strict';
import { buildConversation } from '../../core/conversations/build-conversation.ts';
import { OPUS, session } from './metrics-builders.ts';

const ID = '019ac0de-0000-7000-8000-000000000003';

describe('conversations: edge cases', () => {
  it('a session without prompts and without tool calls: a conversation row, no turn', () => {
    const s = session('claude_code', 'quiet');
    s.add('session_start', 0, { source: 'startup' }, { model: OPUS });
    s.add('session_end', 30, { reason: 'clear' });
    const { metrics, ...rows } = buildConversation(s.events, ID);
    assert.deepEqual(rows, {
      conversation: {
        id: ID,
        session_id: 'quiet',
        platform: 'claude_code',
        project_hash: 'p1',
        workspace_hash: null,
        created_at: '2026-11-22T09:00:00.000Z',
        updated_at: '2026-11-22T09:00:30.000Z',
        ended_at: '2026-11-22T09:00:30.000Z',
        end_reason: 'clear',
        interaction_count: 0,
        turn_count: 0,
        tool_call_count: 0,
        tool_error_count: 0,
        acceptance_rate: null, // no proposal decided
        total_lines_added: 0,
        total_lines_removed: 0,
        total_tokens: null, // no transcript records: unknown, not zero
        cost_usd: null,
      },
      turns: [],
      changes: [],
    });
    // Its session_metrics row: thirty seconds, no prompt, no tool.
    assert.deepEqual([metrics.latency.duration_ms, metrics.usage.prompts, metrics.usage.tool_calls, metrics.ended], [30_000, 0, 0, true]);
  });

  it('a session without prompts that did work: everything lands in turn 0 (session_start)', () => {
    // A Cursor background run: no beforeSubmitPrompt, a tool, an edit and a stop with tokens.
    const s = session('cursor', 'background');
    s.add('session_start', 0, { mode: 'agent' }, { model: 'composer-2' });
    s.add('tool_use', 4, { tool: 'Read', tool_use_id: 'c1', success: true, duration_ms: 90 }, { model: 'composer-2' });
    const edit = s.add('file_edit', 6, { file_hash: 'W', file_extension: '.go', edit_count: 1, lines_added: 3, lines_removed: 0 }, { model: 'composer-2' });
    s.add('turn_end', 9, { status: 'completed', input_tokens: 900, output_tokens: 40 });
    const rows = buildConversation(s.events, ID);
    assert.equal(rows.conversation.interaction_count, 0);
    assert.equal(rows.conversation.turn_count, 1);
    assert.equal(rows.conversation.ended_at, null); // no sessionEnd
    assert.deepEqual(rows.turns, [
      {
        id: `${ID}:0`,
        conversation_id: ID,
        turn_number: 0,
        turn_type: 'session_start',
        content_hash: null,
        started_at: '2026-11-22T09:00:00.000Z',
        ended_at: '2026-11-22T09:00:09.000Z',
        prompt_chars: null,
        prompt_words: null,
        tokens_used: 940,
        latency_ms: null, // no prompt to answer
        tool_calls: 1,
        tool_errors: 0,
        lines_added: 3,
        lines_removed: 0,
        model: 'composer-2', // the stop names none; the record takes the last model named before it
      },
    ]);
    assert.deepEqual(
      rows.changes.map((row) => [row.id, row.turn_id, row.outcome, row.accepted]),
      [[`${ID}:${edit.event_id}`, `${ID}:0`, 'applied', true]],
    );
  });

  it('before the first prompt: a usage record makes turn 0; one stamped at the very millisecond of a prompt counts in that prompt turn', () => {
    const s = session('claude_code', 'resumed');
    s.add('session_start', 0, { source: 'resume' }, { model: OPUS });
    s.usage(1, OPUS, { input: 10, output: 5 }); // the tail of the previous run's answer
    s.add('user_prompt', 5, { prompt_chars: 3, prompt_words: 1, prompt_hash: 'h1' });
    s.add('turn_end', 8);
    s.add('user_prompt', 20, { prompt_chars: 4, prompt_words: 1, prompt_hash: 'h2' });
    s.usage(20, OPUS, { input: 100, output: 50 });
    s.add('turn_end', 25);
    const rows = buildConversation([...s.events, ...s.usageEvents], ID);
    assert.deepEqual(
      rows.turns.map((turn) => [turn.turn_number, turn.turn_type, turn.content_hash, turn.started_at, turn.ended_at, turn.tokens_used, turn.latency_ms, turn.model]),
      [
        [0, 'session_start', null, '2026-11-22T09:00:00.000Z', '2026-11-22T09:00:01.000Z', 15, null, OPUS],
        [1, 'user_prompt', 'h1', '2026-11-22T09:00:05.000Z', '2026-11-22T09:00:08.000Z', 0, 3000, null], // no record: 0 tokens (the session has token data), no model named
        [2, 'user_prompt', 'h2', '2026-11-22T09:00:20.000Z', '2026-11-22T09:00:25.000Z', 150, 5000, OPUS],
      ],
    );
    assert.equal(rows.conversation.total_tokens, 165);
    assert.equal(rows.conversation.turn_count, 3);
    assert.equal(rows.conversation.interaction_count, 2);
  });

  it('payloads without tool_use_id: starts pair with outcomes of the same tool in order, an outcome alone is an applied change', () => {
    const s = session('claude_code', 'old-claude');
    s.add('user_prompt', 0, { prompt_chars: 10, prompt_words: 2 });
    const a = s.add('tool_start', 1, { tool: 'Edit', file_hash: 'A', file_extension: '.ts', lines_added: 2, lines_removed: 1 });
    s.add('tool_start', 2, { tool: 'Read', file_hash: 'A', file_extension: '.ts' });
    s.add('tool_use', 3, { tool: 'Read', success: true });
    s.add('tool_use', 4, { tool: 'Edit', file_hash: 'A', file_extension: '.ts', lines_added: 2, lines_removed: 1, success: true });
    const b = s.add('tool_start', 5, { tool: 'Edit', file_hash: 'B', file_extension: '.ts', lines_added: 4, lines_removed: 0 });
    const c = s.add('tool_start', 6, { tool: 'Edit', file_hash: 'C', file_extension: '', lines_added: 1, lines_removed: 0 });
    s.add('tool_use', 7, { tool: 'Edit', success: true }); // first in, first out: B's
    s.add('turn_end', 9); // closes C without an outcome
    s.add('user_prompt', 20, { prompt_chars: 10, prompt_words: 2 });
    const d = s.add('tool_use', 21, { tool: 'Edit', file_hash: 'D', file_extension: '.rs', lines_added: 1, lines_removed: 1, success: true }); // its PreToolUse was lost
    s.add('turn_end', 22);
    const rows = buildConversation(s.events, ID);
    const base = { conversation_id: ID, tool: 'Edit', operation: 'edit', rejection: null };
    assert.deepEqual(rows.changes, [
      { ...base, id: `${ID}:${a.event_id}`, turn_id: `${ID}:1`, file_extension: '.ts', file_hash: 'A', lines_added: 2, lines_removed: 1, accepted: true, outcome: 'accepted', acceptance_delay_ms: 3000, reverted: false, created_at: '2026-11-22T09:00:01.000Z' },
      // the PostToolUse carries no file fields: B's come from its PreToolUse
      { ...base, id: `${ID}:${b.event_id}`, turn_id: `${ID}:1`, file_extension: '.ts', file_hash: 'B', lines_added: 4, lines_removed: 0, accepted: true, outcome: 'accepted', acceptance_delay_ms: 2000, reverted: false, created_at: '2026-11-22T09:00:05.000Z' },
      // C: rejected at the Stop (9 − 6 s); a file without an extension has none in the row
      { ...base, id: `${ID}:${c.event_id}`, turn_id: `${ID}:1`, file_extension: null, file_hash: 'C', lines_added: 1, lines_removed: 0, accepted: false, outcome: 'rejected', rejection: 'no_outcome', acceptance_delay_ms: 3000, reverted: null, created_at: '2026-11-22T09:00:06.000Z' },
      { ...base, id: `${ID}:${d.event_id}`, turn_id: `${ID}:2`, file_extension: '.rs', file_hash: 'D', lines_added: 1, lines_removed: 1, accepted: true, outcome: 'applied', acceptance_delay_ms: null, reverted: false, created_at: '2026-11-22T09:00:21.000Z' },
    ]);
    assert.equal(rows.conversation.acceptance_rate, 2 / 3); // A and B of A, B, C; D was never proposed
    assert.deepEqual(
      rows.turns.map((turn) => [turn.tool_calls, turn.lines_added, turn.lines_removed]),
      [
        [4, 6, 1], // Edit A, Read, Edit B, Edit C; A +2 −1 and B +4 −0 landed
        [1, 1, 1],
      ],
    );
  });

  it('an edit whose tool errored: outcome failed, not accepted, a tool error of its turn', () => {
    const s = session('claude_code', 'failed-edit');
    s.add('user_prompt', 0, { prompt_chars: 5, prompt_words: 1 });
    const edit = s.add('tool_start', 2, { tool: 'MultiEdit', tool_use_id: 'm', file_hash: 'M', file_extension: '.py', lines_added: 4, lines_removed: 4, edit_count: 2 });
    s.add('tool_failure', 3.5, { tool: 'MultiEdit', tool_use_id: 'm', success: false, error_class: 'invalid_input' }); // old_string not found
    s.add('turn_end', 4);
    const rows = buildConversation(s.events, ID);
    assert.deepEqual(rows.changes, [
      {
        id: `${ID}:${edit.event_id}`,
        conversation_id: ID,
        turn_id: `${ID}:1`,
        tool: 'MultiEdit',
        file_extension: '.py',
        file_hash: 'M',
        operation: 'edit',
        lines_added: 4, // proposed, never landed
        lines_removed: 4,
        accepted: false,
        outcome: 'failed',
        rejection: null,
        acceptance_delay_ms: 1500,
        reverted: null,
        created_at: '2026-11-22T09:00:02.000Z',
      },
    ]);
    assert.deepEqual([rows.turns[0]!.tool_calls, rows.turns[0]!.tool_errors, rows.turns[0]!.lines_added], [1, 1, 0]);
    assert.equal(rows.conversation.acceptance_rate, 0); // 0 of 1 decided proposal
  });

  it('ids are derived from the conversation id: building again gives the same rows, another id renames them all', () => {
    const s = session('claude_code', 'ids');
    s.add('user_prompt', 0, { prompt_chars: 1, prompt_words: 1 });
    s.add('tool_start', 1, { tool: 'Write', tool_use_id: 'w', file_hash: 'F', file_extension: '.ts', lines_added: 1, lines_removed: 0 });
    s.add('tool_use', 2, { tool: 'Write', tool_use_id: 'w', success: true, is_new_file: true });
    const first = buildConversation(s.events, 'one');
    assert.deepEqual(buildConversation(s.events, 'one'), first);
    const other = buildConversation(s.events, 'two');
    assert.deepEqual([other.conversation.id, other.turns[0]!.id, other.changes[0]!.id, other.changes[0]!.turn_id], ['two', 'two:1', `two:${s.events[1]!.event_id}`, 'two:1']);
  });

  it('Cursor database snapshots are no part of a conversation; a session of snapshots alone has no times', () => {
    const s = session('cursor', 'composer');
    s.add('composer_update', 0, { user_message_count: 3, bubble_count: 6 });
    const rows = buildConversation(s.events, ID);
    assert.deepEqual([rows.conversation.created_at, rows.conversation.updated_at, rows.conversation.interaction_count, rows.turns.length, rows.changes.length], [null, null, 0, 0, 0]);
  });

  it('refuses no events, and events of two sessions', () => {
    assert.throws(() => buildConversation([], ID), RangeError);
    const one = session('claude_code', 'one');
    const two = session('claude_code', 'two');
    assert.throws(() => buildConversation([one.add('user_prompt', 0), two.add('user_prompt', 1)], ID), RangeError);
  });
});
