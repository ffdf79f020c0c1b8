import assert from 'node:assert/strict';
import { buildEvent, buildHookErrorEvent, type CaptureContext } from '../../core/capture/build-event.ts';
import { classifyError } from '../../core/capture/error-class.ts';
import { countLineChanges } from '../../core/capture/line-diff.ts';
import { createHasher, looksSecret, safeModel } from '../../core/capture/safe-values.ts';

const secret = Buffer.alloc(32, 2);
const claude: CaptureContext = { platform: 'claude_code', env: {}, secret };
const cursor: CaptureContext = { platform: 'cursor', env: {}, secret };

describe('line counting', () => {
  it('counts one changed line in ten as +1 -1, like git', () => {
    const before = Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 4', 'line four');
    assert.deepEqual(countLineChanges(before, after), { added: 1, removed: 1 });
  });

  it('counts pure insertions, deletions and new files', () => {
    assert.deepEqual(countLineChanges('a\nb\n', 'a\nx\ny\nb\n'), { added: 2, removed: 0 });
    assert.deepEqual(countLineChanges('a\nb\nc', 'a'), { added: 0, removed: 2 });
    assert.deepEqual(countLineChanges('', 'one\ntwo\n'), { added: 2, removed: 0 });
    assert.deepEqual(countLineChanges('same', 'same'), { added: 0, removed: 0 });
  });

  it('finds the shortest script for moved blocks', () => {
    assert.deepEqual(countLineChanges('a\nb\nc\nd', 'c\nd\na\nb'), { added: 2, removed: 2 });
  });

  it('stays bounded on a huge rewrite and never undercounts it', () => {
    const before = Array.from({ length: 30000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 30000 }, (_, i) => `new ${i}`).join('\n');
    const started = process.hrtime.bigint();
    assert.deepEqual(countLineChanges(before, after), { added: 30000, removed: 30000 });
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000);
  });
});

describe('Claude Code allow-list', () => {
  it('turns an Edit into lines added/removed, an extension and a file hash, and drops the text', () => {
    const event = buildEvent(
      {
        hook_event_name: 'PreToolUse', session_id: 's', cwd: '/home/ann/app', tool_name: 'Edit', tool_use_id: 'toolu_01XYZabc123',
        tool_input: { file_path: '/home/ann/app/src/Main.TS', old_string: 'const a = 1;\nconst b = 2;', new_string: 'const a = 1;\nconst b = 3;\nconst c = 4;' },
      },
      claude,
    );
    assert.equal(event.event_type, 'tool_start');
    assert.equal(event.payload.tool, 'Edit');
    assert.equal(event.payload.tool_use_id, 'toolu_01XYZabc123');
    assert.equal(event.payload.file_extension, '.ts');
    assert.equal(event.payload.lines_added, 2);
    assert.equal(event.payload.lines_removed, 1);
    assert.match(event.payload.file_hash!, /^[0-9a-f]{16}$/);
    assert.doesNotMatch(JSON.stringify(event), /const|ann|Main/);
  });

  it('sums the edits of a MultiEdit', () => {
    const event = buildEvent(
      { hook_event_name: 'PreToolUse', session_id: 's', tool_name: 'MultiEdit', tool_input: { file_path: '/x/a.py', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: '', new_string: 'c\nd' }] } },
      claude,
    );
    assert.equal(event.payload.edit_count, 2);
    assert.equal(event.payload.lines_added, 3);
    assert.equal(event.payload.lines_removed, 1);
  });

  it('prefers the real diff in tool_response.structuredPatch after the edit ran', () => {
    const event = buildEvent(
      {
        hook_event_name: 'PostToolUse', session_id: 's', tool_name: 'Edit', tool_use_id: 'toolu_01abcdef', duration_ms: 31,
        tool_input: { file_path: '/x/a.go', old_string: 'x', new_string: 'y', replace_all: true },
        tool_response: { filePath: '/x/a.go', structuredPatch: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, lines: ['-x', '+y', ' z', '-x', '+y'] }] },
      },
      claude,
    );
    assert.equal(event.payload.lines_added, 2);
    assert.equal(event.payload.lines_removed, 2);
    assert.equal(event.payload.success, true);
    assert.equal(event.payload.duration_ms, 31);
  });

  it('marks a Write that created the file as new and counts its lines', () => {
    const event = buildEvent(
      { hook_event_name: 'PostToolUse', session_id: 's', tool_name: 'Write', tool_input: { file_path: '/x/new.md', content: '# Title\n\ntext\n' }, tool_response: { type: 'create', filePath: '/x/new.md', structuredPatch: [] } },
      claude,
    );
    assert.equal(event.payload.is_new_file, true);
    assert.equal(event.payload.lines_added, 3);
    assert.equal(event.payload.lines_removed, 0);
  });

  it('keeps only the program name and a hash of a shell command', () => {
    const event = buildEvent(
      { hook_event_name: 'PreToolUse', session_id: 's', tool_name: 'Bash', tool_input: { command: 'NODE_ENV=test /usr/local/bin/npx mocha --grep "token sk-live-123"' } },
      claude,
    );
    assert.equal(event.payload.command_name, 'npx');
    assert.match(event.payload.command_hash!, /^[0-9a-f]{16}$/);
    assert.doesNotMatch(JSON.stringify(event), /mocha|sk-live|NODE_ENV/);
  });

  it('classifies a failure without keeping its message', () => {
    const event = buildEvent(
      { hook_event_name: 'PostToolUseFailure', session_id: 's', tool_name: 'Bash', tool_input: { command: 'make' }, error: 'Exit code 2\nmake: *** [all] Error 2 /home/ann/secret', is_interrupt: false },
      claude,
    );
    assert.equal(event.payload.success, false);
    assert.equal(event.payload.exit_code, 2);
    assert.equal(event.payload.error_class, 'non_zero_exit');
    assert.doesNotMatch(JSON.stringify(event), /secret|\*\*\*/);
    assert.equal(classifyError('ENOENT: no such file or directory'), 'not_found');
    assert.equal(classifyError('Request timed out after 30s'), 'timeout');
    assert.equal(classifyError('anything', true), 'interrupted');
  });

  it('measures a prompt in characters and words and hashes it', () => {
    const prompt = 'Rename the ✨ helper in utils';
    const event = buildEvent({ hook_event_name: 'UserPromptSubmit', session_id: 's', prompt }, claude);
    assert.equal(event.payload.prompt_chars, 28);
    assert.equal(event.payload.prompt_words, 6);
    assert.equal(event.payload.prompt_hash, createHasher(secret)(prompt));
    assert.doesNotMatch(JSON.stringify(event), /Rename|helper/);
  });

  it('hashes with the install secret: same input, same hash; another install, another hash', () => {
    const payload = { hook_event_name: 'SessionStart', session_id: 's', cwd: '/home/ann/app' };
    const first = buildEvent(payload, claude).metadata.project_hash;
    assert.equal(buildEvent(payload, claude).metadata.project_hash, first);
    assert.notEqual(buildEvent(payload, { ...claude, secret: Buffer.alloc(32, 3) }).metadata.project_hash, first);
  });

  it('uses CLAUDE_PROJECT_DIR as the project and cwd as the workspace', () => {
    const hash = createHasher(secret);
    const event = buildEvent({ hook_event_name: 'Stop', session_id: 's', cwd: '/repo/packages/web' }, { ...claude, env: { CLAUDE_PROJECT_DIR: '/repo/' } });
    assert.equal(event.metadata.project_hash, hash('/repo'));
    assert.equal(event.metadata.workspace_hash, hash('/repo/packages/web'));
  });

  it('turns values outside a vocabulary into "other" and user-defined agent types into hashes', () => {
    const end = buildEvent({ hook_event_name: 'SessionEnd', session_id: 's', reason: 'the user typed /quit in /home/ann' }, claude);
    assert.equal(end.payload.reason, 'other');
    const start = buildEvent({ hook_event_name: 'SubagentStart', session_id: 's', agent_id: 'a1', agent_type: 'my-private-reviewer' }, claude);
    assert.match(start.payload.subagent_type!, /^custom_[0-9a-f]{8}$/);
  });

  it('hashes ids that are not ids, so a secret in a session id never lands verbatim', () => {
    const event = buildEvent({ hook_event_name: 'Stop', session_id: 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' }, claude);
    assert.match(event.session_id, /^h_[0-9a-f]{16}$/);
  });
});

describe('Cursor allow-list', () => {
  it('counts the lines of afterFileEdit edits and drops the text and the path', () => {
    const event = buildEvent(
      {
        hook_event_name: 'afterFileEdit', conversation_id: 'c1', cursor_version: '3.3.30', model: 'composer-2',
        file_path: '/Users/bo/site/Welcome.tsx', edits: [{ old_string: '', new_string: 'a\nb' }, { old_string: 'x\ny', new_string: 'x\nz' }],
        workspace_roots: ['/Users/bo/site'], user_email: 'bo@example.com',
      },
      cursor,
    );
    assert.equal(event.event_type, 'file_edit');
    assert.equal(event.session_id, 'c1');
    assert.equal(event.payload.lines_added, 3);
    assert.equal(event.payload.lines_removed, 1);
    assert.equal(event.payload.edit_count, 2);
    assert.equal(event.payload.file_extension, '.tsx');
    assert.equal(event.metadata.model, 'composer-2');
    assert.equal(event.metadata.ide_version, '3.3.30');
    assert.doesNotMatch(JSON.stringify(event), /Welcome|bo@|Users/);
  });

  it('keeps the token counts Cursor sends on afterAgentResponse and stop', () => {
    const event = buildEvent(
      { hook_event_name: 'stop', session_id: 'c1', status: 'completed', loop_count: 0, input_tokens: 13431, output_tokens: 67, cache_read_tokens: 22112, cache_write_tokens: 0 },
      cursor,
    );
    assert.deepEqual(
      { ...event.payload },
      { status: 'completed', loop_count: 0, input_tokens: 13431, output_tokens: 67, cache_read_tokens: 22112, cache_write_tokens: 0 },
    );
  });

  it('reads the exit code of a Shell tool from its output and rounds float durations', () => {
    const event = buildEvent(
      { hook_event_name: 'postToolUse', session_id: 'c1', tool_name: 'Shell', tool_input: { command: 'ls -la ~/secret' }, tool_output: '{"output":"secret listing","exitCode":0}', duration: 347.259 },
      cursor,
    );
    assert.equal(event.payload.exit_code, 0);
    assert.equal(event.payload.duration_ms, 347);
    assert.equal(event.payload.command_name, 'ls');
    assert.doesNotMatch(JSON.stringify(event), /secret/);
  });

  it('maps failure types to error classes', () => {
    const event = buildEvent(
      { hook_event_name: 'postToolUseFailure', session_id: 'c1', tool_name: 'Shell', failure_type: 'timeout', error_message: 'cat: /x: No such file', is_interrupt: false },
      cursor,
    );
    assert.equal(event.payload.error_class, 'timeout');
    assert.equal(event.payload.kind, 'timeout');
  });
});

describe('hook_error events', () => {
  it('carry the reason and size only, and the session from CLAUDE_CODE_SESSION_ID when present', () => {
    const event = buildHookErrorEvent('invalid_json', 17, { ...claude, hookArg: 'PostToolUse', env: { CLAUDE_CODE_SESSION_ID: '4d5611e5-241a-462a-8d15-5122611a9569' } });
    assert.equal(event.event_type, 'hook_error');
    assert.equal(event.session_id, '4d5611e5-241a-462a-8d15-5122611a9569');
    assert.deepEqual({ ...event.payload }, { error_reason: 'invalid_json', input_bytes: 17, hook_name: 'PostToolUse' });
  });
});

describe('safe values', () => {
  it('recognizes credentials and e-mail addresses', () => {
    for (const value of ['sk-ant-api03-abc', 'ghp_abcdef', 'AKIAIOSFODNN7EXAMPLE', 'x@example.com', 'a'.repeat(30)]) assert.ok(looksSecret(value), value);
    for (const value of ['claude-sonnet-4-5-20250929', 'composer-2', 'npm']) assert.ok(!looksSecret(value), value);
  });

  it('keeps real model names, including Bedrock and Vertex ids', () => {
    for (const model of ['claude-opus-4-6', 'gpt-5.1-codex', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-5-sonnet-v2@20241022']) {
      assert.equal(safeModel(model), model);
    }
    assert.equal(safeModel('/home/ann/model'), undefined);
  });
});
