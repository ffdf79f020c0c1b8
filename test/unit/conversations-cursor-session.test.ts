import assert from 'node:assert/strict';
import { buildConversation } from '../../core/conversations/build-conversation.ts';
import { priceOf, shuffled } from './metrics-builders.ts';
import { COMPOSER, cursorSession } from './metrics-sample-sessions.ts';

const ID = '019ac0de-0000-7000-8000-000000000002';

// Timeline in metrics-sample-sessions.ts (cursorSession): no tool starts, afterFileEdit edits,
// token counts on afterAgentResponse and stop, a Tab edit.
describe('conversations: a Cursor session, by hand', () => {
  const s = cursorSession();
  const rows = buildConversation(s.events, ID, { priceOf });
  const fileEdit = (event: (typeof s.events)[number]) => `${ID}:${event.event_id}`;
  const [x1, x2, z] = s.events.filter((event) => event.event_type === 'file_edit');

  it('conversation row: no acceptance rate (Cursor captures no proposals), tokens from hook payloads, no price for composer-2', () => {
    assert.deepEqual(rows.conversation, {
      id: ID,
      session_id: 'cursor-1',
      platform: 'cursor',
      project_hash: 'p1',
      workspace_hash: null,
      created_at: '2026-11-22T09:00:00.000Z',
      updated_at: '2026-11-22T09:01:40.000Z',
      ended_at: '2026-11-22T09:01:40.000Z', // sessionEnd at 100 s
      end_reason: 'completed',
      interaction_count: 2,
      turn_count: 2,
      tool_call_count: 4, // c1 c2 c3 c4
      tool_error_count: 2, // c2 (exit code 1), c3 (timeout); c4 is an interrupt
      acceptance_rate: null,
      total_lines_added: 13, // 5 + 1 + 7; the Tab edit is not the agent's
      total_lines_removed: 6, // 1 + 5 + 0
      total_tokens: 55910, // turn 1: 13431 + 67 + 22112; turn 2: 20000 + 300
      cost_usd: null,
    });
  });

  it('turns: latency to the first answering event, tokens taken once per turn', () => {
    const turn = { conversation_id: ID, turn_type: 'user_prompt', content_hash: null, model: COMPOSER };
    assert.deepEqual(rows.turns, [
      {
        ...turn,
        id: `${ID}:1`,
        turn_number: 1,
        started_at: '2026-11-22T09:00:05.000Z',
        ended_at: '2026-11-22T09:00:21.000Z',
        prompt_chars: 30,
        prompt_words: 6,
        // largest per field of afterAgentResponse and stop: 13431 in, 67 out, 22112 cache read
        tokens_used: 35610,
        latency_ms: 3000, // prompt 5 s → postToolUse Read 8 s
        tool_calls: 3,
        tool_errors: 2,
        lines_added: 6,
        lines_removed: 6,
      },
      {
        ...turn,
        id: `${ID}:2`,
        turn_number: 2,
        started_at: '2026-11-22T09:01:00.000Z',
        ended_at: '2026-11-22T09:01:40.000Z',
        prompt_chars: 50,
        prompt_words: 10,
        tokens_used: 20300,
        latency_ms: 10000, // 60 s → afterFileEdit 70 s (a Tab edit is no answer)
        tool_calls: 1,
        tool_errors: 0,
        lines_added: 7,
        lines_removed: 0,
      },
    ]);
  });

  it('code changes: each afterFileEdit is an applied change (accepted = applied), the first reverted by the second', () => {
    const applied = { conversation_id: ID, tool: null, operation: 'edit', accepted: true, outcome: 'applied', rejection: null, acceptance_delay_ms: null };
    assert.deepEqual(rows.changes, [
      { ...applied, id: fileEdit(x1!), turn_id: `${ID}:1`, file_extension: '.ts', file_hash: 'X', lines_added: 5, lines_removed: 1, reverted: true, created_at: '2026-11-22T09:00:12.000Z' },
      { ...applied, id: fileEdit(x2!), turn_id: `${ID}:1`, file_extension: '.ts', file_hash: 'X', lines_added: 1, lines_removed: 5, reverted: false, created_at: '2026-11-22T09:00:18.000Z' },
      { ...applied, id: fileEdit(z!), turn_id: `${ID}:2`, file_extension: '.md', file_hash: 'Z', lines_added: 7, lines_removed: 0, reverted: false, created_at: '2026-11-22T09:01:10.000Z' },
    ]);
  });

  it('gives identical rows whatever the arrival order', () => {
    const built = buildConversation(shuffled([...s.events, s.events[3]!], 5), ID, { priceOf });
    assert.equal(built.metrics.quality.duplicates, 1);
    assert.deepEqual({ ...built, metrics: { ...built.metrics, quality: rows.metrics.quality } }, rows);
  });
});
