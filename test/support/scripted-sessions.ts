// Two scripted Claude Code sessions, hook by hook, with their numbers counted by hand: what the
// Layer 3 readers' tests (MCP server, REST API) feed a real daemon and expect back.
import { buildEvent, buildHookErrorEvent } from '../../core/capture/build-event.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';

export const SECRET = Buffer.alloc(32, 9);
export const PROJECT = '/home/dev/canary-mcp-project';
export const CANARIES = ['canary prompt', 'canary-command', 'canary-mcp-project', 'canary readme', 'app.ts', 'util.ts', 'README'];
// Two sessions whose ids share their first 8 characters: `b1e2a3c4` names both.
export const MAIN_SESSION = 'b1e2a3c4-5d6e-4f70-8a9b-00000000000a';
export const OTHER_SESSION = 'b1e2a3c4-0c1d-4e2f-9a3b-00000000000b';

function hookAt(sessionId: string, startMs: number) {
  return (seconds: number, payload: Record<string, unknown>): TelemetryEvent =>
    buildEvent(
      { session_id: sessionId, cwd: PROJECT, transcript_path: `${PROJECT}/t.jsonl`, permission_mode: 'default', ...payload },
      { platform: 'claude_code', env: { CLAUDE_PROJECT_DIR: PROJECT }, secret: SECRET, now: startMs + seconds * 1000 },
    );
}

/**
 * The main session: 3 prompts; 6 tool calls (Read 1, Edit 2, Bash 2, Write 1); one Bash call fails
 * with exit code 1, the Write is interrupted (a rejected proposal); both Edits are accepted (after
 * 2 s, +3 -1 lines, and after 1 s, +2 -1 lines). Then one hook could not read its input.
 */
export function mainSession(startMs: number): TelemetryEvent[] {
  const hook = hookAt(MAIN_SESSION, startMs);
  const read = { file_path: `${PROJECT}/src/app.ts` };
  const firstEdit = { file_path: `${PROJECT}/src/app.ts`, old_string: 'const a = 1;', new_string: 'const a = 2;\nconst b = 3;\nconst c = 4;' };
  const secondEdit = { file_path: `${PROJECT}/src/util.ts`, old_string: 'export const x = 1;', new_string: 'export const y = 1;\nexport const z = 2;' };
  const write = { file_path: `${PROJECT}/README.md`, content: '# canary readme\n' };
  return [
    hook(0, { hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' }),
    hook(1, { hook_event_name: 'UserPromptSubmit', prompt: 'canary prompt one: read the app' }),
    hook(2, { hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: read, tool_use_id: 'toolu_read_1' }),
    hook(3, { hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: read, tool_response: { content: 'const a = 1;' }, tool_use_id: 'toolu_read_1' }),
    hook(4, { hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: firstEdit, tool_use_id: 'toolu_edit_1' }),
    hook(6, { hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: firstEdit, tool_response: { filePath: firstEdit.file_path, success: true }, tool_use_id: 'toolu_edit_1' }),
    hook(7, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test -- canary-command' }, tool_use_id: 'toolu_bash_1' }),
    hook(9, { hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'npm test -- canary-command' }, tool_use_id: 'toolu_bash_1', error: 'Exit code 1', is_interrupt: false, duration_ms: 1900 }),
    hook(10, { hook_event_name: 'UserPromptSubmit', prompt: 'canary prompt two: and the util' }),
    hook(11, { hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: secondEdit, tool_use_id: 'toolu_edit_2' }),
    hook(12, { hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: secondEdit, tool_response: { filePath: secondEdit.file_path, success: true }, tool_use_id: 'toolu_edit_2' }),
    hook(13, { hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: write, tool_use_id: 'toolu_write_1' }),
    hook(16, { hook_event_name: 'PostToolUseFailure', tool_name: 'Write', tool_input: write, tool_use_id: 'toolu_write_1', error: 'interrupted', is_interrupt: true }),
    hook(17, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm run build canary-command' }, tool_use_id: 'toolu_bash_2' }),
    hook(18, { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'npm run build canary-command' }, tool_response: { stdout: 'ok', stderr: '', interrupted: false }, tool_use_id: 'toolu_bash_2', duration_ms: 800 }),
    hook(19, { hook_event_name: 'UserPromptSubmit', prompt: 'canary prompt three: thanks' }),
    hook(20, { hook_event_name: 'Stop', stop_hook_active: false }),
    buildHookErrorEvent('invalid_json', 12, { platform: 'claude_code', hookArg: 'PostToolUse', env: { CLAUDE_CODE_SESSION_ID: MAIN_SESSION, CLAUDE_PROJECT_DIR: PROJECT }, secret: SECRET, now: startMs + 21_000 }),
  ];
}

/** An earlier, smaller session: 1 prompt, 1 Read, no changes. */
export function otherSession(startMs: number): TelemetryEvent[] {
  const hook = hookAt(OTHER_SESSION, startMs);
  const read = { file_path: `${PROJECT}/src/app.ts` };
  return [
    hook(0, { hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' }),
    hook(1, { hook_event_name: 'UserPromptSubmit', prompt: 'canary prompt zero' }),
    hook(2, { hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: read, tool_use_id: 'toolu_read_0' }),
    hook(3, { hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: read, tool_response: { content: 'x' }, tool_use_id: 'toolu_read_0' }),
    hook(4, { hook_event_name: 'Stop', stop_hook_active: false }),
  ];
}
