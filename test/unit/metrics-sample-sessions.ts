// Two hand-made sessions whose every metric the tests compute by hand: a Claude Code session that
// exercises each acceptance outcome, a revert, a re-edit, a subagent, a compaction and transcript
// token usage; and a Cursor session with applied edits, hook tokens, a Tab edit and no tool starts.
import { HAIKU, OPUS, session, type SessionBuilder } from './metrics-builders.ts';

/**
 * Claude Code, times in seconds after T0:
 *   0    SessionStart source=startup
 *   10   prompt 1 (40 chars, 8 words)
 *   11   Read r1 start          12  Read r1 done (duration 200 ms)
 *   14   Edit e1 start A.ts     20  Edit e1 done A.ts +10 −2 (40 ms)          accepted
 *   22   Edit e2 start A.ts     25  Edit e2 done A.ts +2 −10 (30 ms)          accepted, reverts e1
 *   30   Bash b1 start          34  Bash b1 failure non_zero_exit (3500 ms)
 *   36   Edit e3 start B.md     40  Edit e3 failure is_interrupt              rejected (interrupt)
 *   41   Stop
 *   100  prompt 2 (100 chars, 20 words)
 *   101  Write w1 start C.py    105 Write w1 done C.py +20 −0 new file (60 ms) accepted
 *   110  Edit e4 start A.ts     112 PermissionDenied e4                      rejected (permission)
 *   115  Edit e5 start C.py     (no outcome)                                 rejected (no outcome at 140)
 *   116  SubagentStart a1 Explore
 *   120  Grep g1 start          121 Grep g1 done (80 ms)
 *   130  SubagentStop a1 Explore
 *   140  Stop
 *   200  PreCompact auto
 *   400  prompt 3 (60 chars, 12 words)
 *   402  Edit e6 start C.py     403 Edit e6 done C.py +4 −0 (20 ms)          accepted, re-edit of C
 *   410  Stop
 *   1000 prompt 4 (20 chars, 4 words)
 *   1002 Stop
 *   1010 SessionEnd prompt_input_exit
 * Transcript usage: 15 opus (1000 in, 200 out, 5000 cache read, 300 cache write), 104 opus (500,
 * 100, 6000, 0), 405 haiku (2000, 50, 0, 0), 1001 opus (100, 10, 0, 0).
 */
export function claudeSession(): SessionBuilder {
  const s = session('claude_code', 'claude-1');
  s.add('session_start', 0, { source: 'startup' }, { model: OPUS });
  s.add('user_prompt', 10, { prompt_chars: 40, prompt_words: 8 });
  s.add('tool_start', 11, { tool: 'Read', tool_use_id: 'r1' });
  s.add('tool_use', 12, { tool: 'Read', tool_use_id: 'r1', success: true, duration_ms: 200 });
  s.add('tool_start', 14, { tool: 'Edit', tool_use_id: 'e1', file_hash: 'A', file_extension: '.ts', lines_added: 10, lines_removed: 2 });
  s.add('tool_use', 20, { tool: 'Edit', tool_use_id: 'e1', file_hash: 'A', file_extension: '.ts', lines_added: 10, lines_removed: 2, success: true, duration_ms: 40 });
  s.add('tool_start', 22, { tool: 'Edit', tool_use_id: 'e2', file_hash: 'A', file_extension: '.ts', lines_added: 2, lines_removed: 10 });
  s.add('tool_use', 25, { tool: 'Edit', tool_use_id: 'e2', file_hash: 'A', file_extension: '.ts', lines_added: 2, lines_removed: 10, success: true, duration_ms: 30 });
  s.add('tool_start', 30, { tool: 'Bash', tool_use_id: 'b1', command_name: 'npm' });
  s.add('tool_failure', 34, { tool: 'Bash', tool_use_id: 'b1', success: false, error_class: 'non_zero_exit', exit_code: 1, duration_ms: 3500 });
  s.add('tool_start', 36, { tool: 'Edit', tool_use_id: 'e3', file_hash: 'B', file_extension: '.md', lines_added: 3, lines_removed: 0 });
  s.add('tool_failure', 40, { tool: 'Edit', tool_use_id: 'e3', success: false, is_interrupt: true, error_class: 'interrupted' });
  s.add('turn_end', 41);
  s.add('user_prompt', 100, { prompt_chars: 100, prompt_words: 20 });
  s.add('tool_start', 101, { tool: 'Write', tool_use_id: 'w1', file_hash: 'C', file_extension: '.py', lines_added: 20, lines_removed: 0 });
  s.add('tool_use', 105, { tool: 'Write', tool_use_id: 'w1', file_hash: 'C', file_extension: '.py', lines_added: 20, lines_removed: 0, is_new_file: true, success: true, duration_ms: 60 });
  s.add('tool_start', 110, { tool: 'Edit', tool_use_id: 'e4', file_hash: 'A', file_extension: '.ts', lines_added: 1, lines_removed: 1 });
  s.add('permission_denied', 112, { tool: 'Edit', tool_use_id: 'e4', success: false, error_class: 'permission' });
  s.add('tool_start', 115, { tool: 'Edit', tool_use_id: 'e5', file_hash: 'C', file_extension: '.py', lines_added: 5, lines_removed: 1 });
  s.add('subagent_start', 116, { subagent_type: 'Explore' }, { agent_id: 'a1' });
  s.add('tool_start', 120, { tool: 'Grep', tool_use_id: 'g1' }, { agent_id: 'a1' });
  s.add('tool_use', 121, { tool: 'Grep', tool_use_id: 'g1', success: true, duration_ms: 80 }, { agent_id: 'a1' });
  s.add('subagent_stop', 130, { subagent_type: 'Explore' }, { agent_id: 'a1' });
  s.add('turn_end', 140);
  s.add('compaction_start', 200, { trigger: 'auto' });
  s.add('user_prompt', 400, { prompt_chars: 60, prompt_words: 12 });
  s.add('tool_start', 402, { tool: 'Edit', tool_use_id: 'e6', file_hash: 'C', file_extension: '.py', lines_added: 4, lines_removed: 0 });
  s.add('tool_use', 403, { tool: 'Edit', tool_use_id: 'e6', file_hash: 'C', file_extension: '.py', lines_added: 4, lines_removed: 0, success: true, duration_ms: 20 });
  s.add('turn_end', 410);
  s.add('user_prompt', 1000, { prompt_chars: 20, prompt_words: 4 });
  s.add('turn_end', 1002);
  s.add('session_end', 1010, { reason: 'prompt_input_exit' });
  s.usage(15, OPUS, { input: 1000, output: 200, cache_read: 5000, cache_write: 300 });
  s.usage(104, OPUS, { input: 500, output: 100, cache_read: 6000, cache_write: 0 });
  s.usage(405, HAIKU, { input: 2000, output: 50, cache_read: 0, cache_write: 0 });
  s.usage(1001, OPUS, { input: 100, output: 10, cache_read: 0, cache_write: 0 });
  return s;
}

export const COMPOSER = 'composer-2';

/**
 * Cursor (no preToolUse registered, so no tool starts), times in seconds after T0; every event
 * names model composer-2 except the first stop (as in real captures):
 *   0    sessionStart (mode agent)
 *   5    prompt 1 (30 chars, 6 words)
 *   8    postToolUse Read c1 (120 ms)
 *   12   afterFileEdit X.ts +5 −1
 *   14   postToolUse Shell c2, exit code 1 (900 ms)                failed (non_zero_exit)
 *   16   postToolUseFailure Shell c3 timeout (30000 ms)            failed (timeout)
 *   18   afterFileEdit X.ts +1 −5                                  reverts the edit at 12
 *   20   afterAgentResponse 13431 in, 67 out
 *   21   stop completed, 13431 in, 67 out, 22112 cache read, 0 cache write (no model)
 *   60   prompt 2 (50 chars, 10 words)
 *   62   afterTabFileEdit Y.ts +2 −0
 *   70   afterFileEdit Z.md +7 −0
 *   75   postToolUseFailure Edit c4 is_interrupt                   interrupted
 *   80   subagentStop explore (5000 ms)
 *   85   preCompact manual
 *   90   afterAgentResponse 20000 in, 300 out
 *   95   stop completed (no tokens)
 *   100  sessionEnd completed / completed
 */
export function cursorSession(): SessionBuilder {
  const s = session('cursor', 'cursor-1');
  const model = { model: COMPOSER };
  s.add('session_start', 0, { mode: 'agent' }, model);
  s.add('user_prompt', 5, { prompt_chars: 30, prompt_words: 6 }, { ...model, generation_id: 'g1' });
  s.add('tool_use', 8, { tool: 'Read', tool_use_id: 'c1', success: true, duration_ms: 120 }, model);
  s.add('file_edit', 12, { file_hash: 'X', file_extension: '.ts', edit_count: 1, lines_added: 5, lines_removed: 1 }, model);
  s.add('tool_use', 14, { tool: 'Shell', tool_use_id: 'c2', success: true, exit_code: 1, duration_ms: 900 }, model);
  s.add('tool_failure', 16, { tool: 'Shell', tool_use_id: 'c3', success: false, kind: 'timeout', error_class: 'timeout', duration_ms: 30000 }, model);
  s.add('file_edit', 18, { file_hash: 'X', file_extension: '.ts', edit_count: 1, lines_added: 1, lines_removed: 5 }, model);
  s.add('assistant_response', 20, { response_chars: 6, input_tokens: 13431, output_tokens: 67 }, { ...model, generation_id: 'g1' });
  s.add('turn_end', 21, { status: 'completed', input_tokens: 13431, output_tokens: 67, cache_read_tokens: 22112, cache_write_tokens: 0 });
  s.add('user_prompt', 60, { prompt_chars: 50, prompt_words: 10 }, { ...model, generation_id: 'g2' });
  s.add('tab_file_edit', 62, { file_hash: 'Y', file_extension: '.ts', edit_count: 1, lines_added: 2, lines_removed: 0 }, model);
  s.add('file_edit', 70, { file_hash: 'Z', file_extension: '.md', edit_count: 1, lines_added: 7, lines_removed: 0 }, model);
  s.add('tool_failure', 75, { tool: 'Edit', tool_use_id: 'c4', success: false, is_interrupt: true, error_class: 'interrupted' }, model);
  s.add('subagent_stop', 80, { subagent_type: 'explore', status: 'completed', duration_ms: 5000 }, { ...model, agent_id: 'sub1' });
  s.add('compaction_start', 85, { trigger: 'manual', context_tokens: 150000 }, model);
  s.add('assistant_response', 90, { response_chars: 400, input_tokens: 20000, output_tokens: 300 }, { ...model, generation_id: 'g2' });
  s.add('turn_end', 95, { status: 'completed' }, model);
  s.add('session_end', 100, { reason: 'completed', status: 'completed', duration_ms: 100000 }, model);
  return s;
}
