import assert from 'node:assert/strict';
import { buildConversation } from '../../core/conversations/build-conversation.ts';
import type { ConversationRows } from '../../core/conversations/conversation-rows.ts';
import { computeSessionMetrics } from '../../core/metrics/session-metrics.ts';
import { HAIKU, OPUS, priceOf, session, shuffled } from './metrics-builders.ts';
import { claudeSession } from './metrics-sample-sessions.ts';

const ID = '019ac0de-0000-7000-8000-000000000001';

/**
 * A live Claude Code session (no SessionEnd yet), times in seconds after T0 (09:00:00):
 *   0    SessionStart startup (opus)                                 turn 0: nothing counts, no row
 *   10   prompt 1 (42 chars, 9 words, hash h-prompt-1)               turn 1
 *   12   Read r1 start           13  done
 *   15   Write w1 start C.py     18  done, new file, +20 −0          accepted (3 s)
 *   20   Edit e1 start A.ts      26  done +10 −2                     accepted (6 s), reverted by e2
 *   30   Edit e2 start A.ts      32  done +2 −10                     accepted (2 s)
 *   35   Bash b1 start           38  failure non_zero_exit           tool error
 *   40   Edit e3 start B.md +3   44  failure is_interrupt            rejected, interrupt (4 s)
 *   45   Stop
 *   100  prompt 2 (12 chars, 3 words, hash h-prompt-2)               turn 2
 *   103  Write w2 start A.ts +5  104 PermissionDenied                rejected, permission_denied (1 s)
 *   106  Edit e4 start C.py +1 −1 (no outcome, no boundary yet)      pending
 * Transcript usage: 14 opus (1000 in, 200 out, 5000 cache read, 300 cache write) = 6500,
 * 33 opus (400, 80, 6000, 0) = 6480, 105 haiku (2000, 50, 0, 0) = 2050.
 */
function liveSession() {
  const s = session('claude_code', 'claude-live', { project_hash: 'p1', workspace_hash: 'w1' });
  s.add('session_start', 0, { source: 'startup' }, { model: OPUS });
  s.add('user_prompt', 10, { prompt_chars: 42, prompt_words: 9, prompt_hash: 'h-prompt-1' });
  s.add('tool_start', 12, { tool: 'Read', tool_use_id: 'r1', file_hash: 'A', file_extension: '.ts' });
  s.add('tool_use', 13, { tool: 'Read', tool_use_id: 'r1', success: true, duration_ms: 150 });
  const w1 = s.add('tool_start', 15, { tool: 'Write', tool_use_id: 'w1', file_hash: 'C', file_extension: '.py', lines_added: 20, lines_removed: 0 });
  s.add('tool_use', 18, { tool: 'Write', tool_use_id: 'w1', file_hash: 'C', file_extension: '.py', lines_added: 20, lines_removed: 0, is_new_file: true, success: true });
  const e1 = s.add('tool_start', 20, { tool: 'Edit', tool_use_id: 'e1', file_hash: 'A', file_extension: '.ts', lines_added: 10, lines_removed: 2 });
  s.add('tool_use', 26, { tool: 'Edit', tool_use_id: 'e1', file_hash: 'A', file_extension: '.ts', lines_added: 10, lines_removed: 2, is_new_file: false, success: true });
  const e2 = s.add('tool_start', 30, { tool: 'Edit', tool_use_id: 'e2', file_hash: 'A', file_extension: '.ts', lines_added: 2, lines_removed: 10 });
  s.add('tool_use', 32, { tool: 'Edit', tool_use_id: 'e2', file_hash: 'A', file_extension: '.ts', lines_added: 2, lines_removed: 10, is_new_file: false, success: true });
  s.add('tool_start', 35, { tool: 'Bash', tool_use_id: 'b1', command_name: 'npm', command_hash: 'h-command' });
  s.add('tool_failure', 38, { tool: 'Bash', tool_use_id: 'b1', success: false, error_class: 'non_zero_exit', exit_code: 1, duration_ms: 2900 });
  const e3 = s.add('tool_start', 40, { tool: 'Edit', tool_use_id: 'e3', file_hash: 'B', file_extension: '.md', lines_added: 3, lines_removed: 0 });
  s.add('tool_failure', 44, { tool: 'Edit', tool_use_id: 'e3', success: false, is_interrupt: true, error_class: 'interrupted' });
  s.add('turn_end', 45);
  s.add('user_prompt', 100, { prompt_chars: 12, prompt_words: 3, prompt_hash: 'h-prompt-2' });
  const w2 = s.add('tool_start', 103, { tool: 'Write', tool_use_id: 'w2', file_hash: 'A', file_extension: '.ts', lines_added: 5, lines_removed: 0 });
  s.add('permission_denied', 104, { tool: 'Write', tool_use_id: 'w2', success: false, error_class: 'permission' });
  const e4 = s.add('tool_start', 106, { tool: 'Edit', tool_use_id: 'e4', file_hash: 'C', file_extension: '.py', lines_added: 1, lines_removed: 1 });
  s.usage(14, OPUS, { input: 1000, output: 200, cache_read: 5000, cache_write: 300 });
  s.usage(33, OPUS, { input: 400, output: 80, cache_read: 6000, cache_write: 0 });
  s.usage(105, HAIKU, { input: 2000, output: 50, cache_read: 0, cache_write: 0 });
  return { events: [...s.events, ...s.usageEvents], ids: { w1, e1, e2, e3, w2, e4 } };
}

function near(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
}

describe('conversations: a Claude Code session, by hand', () => {
  const { events, ids } = liveSession();
  const rows = buildConversation(events, ID, { priceOf });
  const change = { conversation_id: ID, rejection: null, reverted: null };

  it('conversation row: the engine totals of the session', () => {
    // opus: (1400·5 + 280·25 + 300·6.25 + 11000·0.5) / 1e6 = (7000 + 7000 + 1875 + 5500) / 1e6; haiku unpriced
    near(rows.conversation.cost_usd, 0.021375, 'cost');
    assert.deepEqual(
      { ...rows.conversation, cost_usd: 0 },
      {
        id: ID,
        session_id: 'claude-live',
        platform: 'claude_code',
        project_hash: 'p1',
        workspace_hash: 'w1',
        created_at: '2026-11-22T09:00:00.000Z',
        updated_at: '2026-11-22T09:01:46.000Z', // e4's start at 106 s, the last event
        ended_at: null, // still live
        end_reason: null,
        interaction_count: 2,
        turn_count: 2, // SessionStart alone makes no turn 0
        tool_call_count: 8, // r1 w1 e1 e2 b1 e3 w2 e4
        tool_error_count: 1, // b1
        acceptance_rate: 2 / 5, // w1 and e2 (e1 reverted) of 5 decided proposals; e4 pending
        total_lines_added: 32, // w1 20 + e1 10 + e2 2
        total_lines_removed: 12, // e1 2 + e2 10
        total_tokens: 15030, // 6500 + 6480 + 2050
        cost_usd: 0,
      },
    );
  });

  it('turns: one per prompt, with response latency, tokens, tools, applied lines and model', () => {
    assert.deepEqual(rows.turns, [
      {
        id: `${ID}:1`,
        conversation_id: ID,
        turn_number: 1,
        turn_type: 'user_prompt',
        content_hash: 'h-prompt-1',
        started_at: '2026-11-22T09:00:10.000Z',
        ended_at: '2026-11-22T09:00:45.000Z', // Stop
        prompt_chars: 42,
        prompt_words: 9,
        tokens_used: 12980, // records at 14 s and 33 s
        latency_ms: 2000, // prompt 10 s → r1 start 12 s
        tool_calls: 6,
        tool_errors: 1,
        lines_added: 32,
        lines_removed: 12, // e3 never landed: its 3 proposed lines are not counted
        model: OPUS,
      },
      {
        id: `${ID}:2`,
        conversation_id: ID,
        turn_number: 2,
        turn_type: 'user_prompt',
        content_hash: 'h-prompt-2',
        started_at: '2026-11-22T09:01:40.000Z',
        ended_at: '2026-11-22T09:01:46.000Z',
        prompt_chars: 12,
        prompt_words: 3,
        tokens_used: 2050,
        latency_ms: 3000, // 100 s → w2 start 103 s
        tool_calls: 2,
        tool_errors: 0, // a denial is not a tool error
        lines_added: 0,
        lines_removed: 0,
        model: HAIKU, // the only record of the turn
      },
    ]);
  });

  it('code changes: one per proposal with its outcome, delay and revert', () => {
    assert.deepEqual(rows.changes, [
      { ...change, id: `${ID}:${ids.w1.event_id}`, turn_id: `${ID}:1`, tool: 'Write', file_extension: '.py', file_hash: 'C', operation: 'create', lines_added: 20, lines_removed: 0, accepted: true, outcome: 'accepted', acceptance_delay_ms: 3000, reverted: false, created_at: '2026-11-22T09:00:15.000Z' },
      // e1: e2 edits A back 6 s later (−10 ≈ +10, +2 ≈ −2)
      { ...change, id: `${ID}:${ids.e1.event_id}`, turn_id: `${ID}:1`, tool: 'Edit', file_extension: '.ts', file_hash: 'A', operation: 'edit', lines_added: 10, lines_removed: 2, accepted: true, outcome: 'accepted', acceptance_delay_ms: 6000, reverted: true, created_at: '2026-11-22T09:00:20.000Z' },
      { ...change, id: `${ID}:${ids.e2.event_id}`, turn_id: `${ID}:1`, tool: 'Edit', file_extension: '.ts', file_hash: 'A', operation: 'edit', lines_added: 2, lines_removed: 10, accepted: true, outcome: 'accepted', acceptance_delay_ms: 2000, reverted: false, created_at: '2026-11-22T09:00:30.000Z' },
      { ...change, id: `${ID}:${ids.e3.event_id}`, turn_id: `${ID}:1`, tool: 'Edit', file_extension: '.md', file_hash: 'B', operation: 'edit', lines_added: 3, lines_removed: 0, accepted: false, outcome: 'rejected', rejection: 'interrupt', acceptance_delay_ms: 4000, created_at: '2026-11-22T09:00:40.000Z' },
      // A Write that never ran: whether it would have created the file is not known
      { ...change, id: `${ID}:${ids.w2.event_id}`, turn_id: `${ID}:2`, tool: 'Write', file_extension: '.ts', file_hash: 'A', operation: 'write', lines_added: 5, lines_removed: 0, accepted: false, outcome: 'rejected', rejection: 'permission_denied', acceptance_delay_ms: 1000, created_at: '2026-11-22T09:01:43.000Z' },
      { ...change, id: `${ID}:${ids.e4.event_id}`, turn_id: `${ID}:2`, tool: 'Edit', file_extension: '.py', file_hash: 'C', operation: 'edit', lines_added: 1, lines_removed: 1, accepted: null, outcome: 'pending', acceptance_delay_ms: null, created_at: '2026-11-22T09:01:46.000Z' },
    ]);
  });

  it('gives identical rows whatever the arrival order and however many copies arrive', () => {
    const messy = shuffled([...events, ...events.slice(4, 12)], 31);
    const built = buildConversation(messy, ID, { priceOf });
    // Only the data-quality count of the session's metrics sees the copies.
    assert.equal(built.metrics.quality.duplicates, 8);
    assert.deepEqual({ ...built, metrics: { ...built.metrics, quality: rows.metrics.quality } }, rows);
  });

  it('has no cost without a price table, but keeps the tokens', () => {
    const unpriced = buildConversation(events, ID);
    assert.equal(unpriced.conversation.cost_usd, null);
    assert.equal(unpriced.conversation.total_tokens, 15030);
  });
});

describe('conversations: the metrics sample Claude session', () => {
  const s = claudeSession();
  const events = [...s.events, ...s.usageEvents];
  const rows: ConversationRows = buildConversation(events, ID, { priceOf });

  it('an ended session: ended_at is its SessionEnd, with the reason', () => {
    assert.equal(rows.conversation.ended_at, '2026-11-22T09:16:50.000Z'); // 1010 s
    assert.equal(rows.conversation.end_reason, 'prompt_input_exit');
    near(rows.conversation.acceptance_rate, 3 / 7, 'acceptance_rate'); // as metrics-claude-session.test.ts
  });

  it('turn latencies are the engine response times, prompt by prompt', () => {
    // prompt 10 → 11, 100 → 101, 400 → 402, 1000 → Stop 1002 (the usage record at 1001 is no response)
    assert.deepEqual(
      rows.turns.map((turn) => [turn.turn_number, turn.latency_ms, turn.tokens_used, turn.tool_calls, turn.model]),
      [
        [1, 1000, 6500, 5, OPUS], // r1 e1 e2 b1 e3; record at 15 s
        [2, 1000, 6600, 4, OPUS], // w1 e4 e5 g1 (the subagent's Grep counts in its parent's turn); record at 104 s
        [3, 2000, 2050, 1, HAIKU], // e6; record at 405 s
        [4, 2000, 110, 0, OPUS], // record at 1001 s
      ],
    );
  });

  it('the turns add up to the conversation, and the changes to the engine acceptance counts', () => {
    const metrics = computeSessionMetrics(events, { priceOf });
    const sum = (pick: (turn: (typeof rows.turns)[number]) => number | null): number => rows.turns.reduce((total, turn) => total + (pick(turn) ?? 0), 0);
    assert.equal(sum((turn) => turn.tool_calls), rows.conversation.tool_call_count);
    assert.equal(sum((turn) => turn.tool_errors), rows.conversation.tool_error_count);
    assert.equal(sum((turn) => turn.lines_added), rows.conversation.total_lines_added);
    assert.equal(sum((turn) => turn.lines_removed), rows.conversation.total_lines_removed);
    assert.equal(sum((turn) => turn.tokens_used), rows.conversation.total_tokens);
    const outcomes = (outcome: string): number => rows.changes.filter((row) => row.outcome === outcome).length;
    assert.equal(rows.changes.length, metrics.acceptance.proposals);
    assert.equal(outcomes('accepted'), metrics.acceptance.accepted);
    assert.equal(outcomes('rejected'), metrics.acceptance.rejected);
    assert.equal(rows.changes.filter((row) => row.reverted === true).length, metrics.acceptance.reverted_edits);
    // e5's no_outcome rejection is decided by the Stop at 140 s: 140 − 115 = 25 s
    assert.deepEqual(
      rows.changes.filter((row) => row.outcome === 'rejected').map((row) => [row.rejection, row.acceptance_delay_ms]),
      [['interrupt', 4000], ['permission_denied', 2000], ['no_outcome', 25000]],
    );
  });
});
