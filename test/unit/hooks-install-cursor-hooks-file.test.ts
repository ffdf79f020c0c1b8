import assert from 'node:assert/strict';
import {
  CURSOR_DOCUMENTED_EVENTS,
  CURSOR_HOOK_EVENTS,
  CURSOR_HOOKS_FORMAT,
  cursorHookEntry,
  validateCursorHooksFile,
} from '../../core/hooks-install/cursor-hooks-file.ts';
import { formatJsonPath, type JsonObject } from '../../core/hooks-install/json-text.ts';

const SHIM = '/home/u/.blueplane/bin/blueplane-cursor-hook';
const OTHER_SHIM = '/opt/bp/bin/blueplane-cursor-hook';
const { withHooks, withoutHooks, inspect } = CURSOR_HOOKS_FORMAT;

function userFile(): JsonObject {
  return {
    version: 1,
    hooks: {
      afterFileEdit: [{ command: './hooks/format.sh' }],
      beforeShellExecution: [{ command: './scripts/approve-network.sh', timeout: 30, matcher: 'curl|wget|nc' }],
    },
  };
}

function problemPaths(document: JsonObject): string[] {
  return validateCursorHooksFile(document).map((problem) => formatJsonPath(problem.path));
}

describe('hooks-install Cursor hooks.json', () => {
  it('registers the 14 observer events only: no permission hook, no workspaceOpen', () => {
    assert.equal(CURSOR_HOOK_EVENTS.length, 14);
    assert.equal(CURSOR_DOCUMENTED_EVENTS.length, 21);
    for (const event of CURSOR_HOOK_EVENTS) assert.ok(CURSOR_DOCUMENTED_EVENTS.includes(event), event);
    for (const event of ['preToolUse', 'subagentStart', 'beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile', 'beforeTabFileRead', 'workspaceOpen']) {
      assert.ok(!CURSOR_HOOK_EVENTS.includes(event), event);
    }
  });

  it('writes a plain command entry with timeout 5: never failClosed, never a prompt hook', () => {
    assert.deepEqual(cursorHookEntry(SHIM, 'stop'), { command: `'${SHIM}' stop`, timeout: 5 });
  });

  it('appends our entries after the user\'s and keeps theirs exactly', () => {
    const before = userFile();
    const after = withHooks(before, SHIM);
    assert.deepEqual(before, userFile(), 'input not mutated');
    const hooks = after.hooks as Record<string, JsonObject[]>;
    assert.deepEqual(hooks.afterFileEdit, [{ command: './hooks/format.sh' }, cursorHookEntry(SHIM, 'afterFileEdit')]);
    assert.deepEqual(hooks.beforeShellExecution, (before.hooks as JsonObject).beforeShellExecution, 'a permission hook of the user is not joined');
    for (const event of CURSOR_HOOK_EVENTS) assert.deepEqual(hooks[event]!.at(-1), cursorHookEntry(SHIM, event));
    assert.deepEqual(validateCursorHooksFile(after), []);
    assert.equal(inspect(after, SHIM).state, 'all');
    assert.equal(JSON.stringify(withHooks(after, SHIM)), JSON.stringify(after), 'idempotent');
  });

  it('replaces our entries in place after a change of home, and uninstall restores the original', () => {
    const old = withHooks(userFile(), OTHER_SHIM);
    (old.hooks as Record<string, JsonObject[]>).afterFileEdit!.push({ command: 'late.sh' });
    const next = withHooks(old, SHIM);
    assert.deepEqual((next.hooks as Record<string, JsonObject[]>).afterFileEdit, [
      { command: './hooks/format.sh' },
      cursorHookEntry(SHIM, 'afterFileEdit'),
      { command: 'late.sh' },
    ]);
    assert.ok(!JSON.stringify(next).includes('/opt/bp'));
    assert.equal(JSON.stringify(withoutHooks(withHooks(userFile(), SHIM))), JSON.stringify(userFile()));
    assert.deepEqual(withoutHooks(withHooks({ version: 1 }, SHIM)), { version: 1, hooks: {} }, 'the minimal valid file remains');
  });

  it('moves an entry of ours off an event we do not register', () => {
    const stale: JsonObject = { version: 1, hooks: { preToolUse: [cursorHookEntry(SHIM, 'preToolUse'), { command: 'guard.sh' }], workspaceOpen: [cursorHookEntry(SHIM, 'workspaceOpen')] } };
    assert.deepEqual(inspect(stale, SHIM).extra, ['preToolUse', 'workspaceOpen']);
    const hooks = withHooks(stale, SHIM).hooks as JsonObject;
    assert.deepEqual(hooks.preToolUse, [{ command: 'guard.sh' }]);
    assert.equal(hooks.workspaceOpen, undefined);
  });

  it('accepts a valid file with prompt hooks, matchers and timeouts', () => {
    assert.deepEqual(
      problemPaths({
        version: 2,
        hooks: {
          stop: [{ type: 'prompt', prompt: 'Was the task done? $ARGUMENTS', loop_limit: null }],
          preToolUse: [{ type: 'command', command: 'x.sh', matcher: '^(Shell|Read)$', timeout: 1.5, failClosed: true }],
        },
      }),
      [],
    );
    assert.deepEqual(problemPaths({ version: 1 }), [], 'no hooks object yet is fine');
  });

  it('names every rule Cursor rejects a whole file for, by JSON path', () => {
    assert.deepEqual(problemPaths({ hooks: {} }), ['version']);
    assert.deepEqual(problemPaths({ version: 0 }), ['version']);
    assert.deepEqual(problemPaths({ version: 1.5 }), ['version']);
    assert.deepEqual(problemPaths({ version: '1' }), ['version']);
    assert.deepEqual(problemPaths({ version: 1, hooks: [] }), ['hooks']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { afterFileSave: [] } }), ['hooks.afterFileSave']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { stop: {} } }), ['hooks.stop']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { stop: ['x.sh'] } }), ['hooks.stop[0]']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { stop: [{ type: 'agent', command: 'x' }] } }), ['hooks.stop[0].type']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { stop: [{ timeout: 5 }] } }), ['hooks.stop[0].command']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { stop: [{ type: 'prompt', command: 'x' }] } }), ['hooks.stop[0].prompt']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { stop: [{ command: 'x', timeout: '5' }] } }), ['hooks.stop[0].timeout']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { afterShellExecution: [{ command: 'x', matcher: '(unclosed' }] } }), ['hooks.afterShellExecution[0].matcher']);
    assert.deepEqual(problemPaths({ version: 1, hooks: { afterShellExecution: [{ command: 'x', matcher: 7 }] } }), ['hooks.afterShellExecution[0].matcher']);
  });

  it('refuses "//" in any string or key, since Cursor cuts every line at "//"', () => {
    assert.deepEqual(problemPaths({ version: 1, hooks: { stop: [{ command: 'curl http://localhost/x' }] } }), ['hooks.stop[0].command']);
    assert.deepEqual(problemPaths({ version: 1, $schema: 'https://example.com/schema.json' }), ['$schema']);
    assert.deepEqual(problemPaths({ version: 1, notes: { 'a//b': ['ok', 'x//y'] } }), ['notes["a//b"]', 'notes["a//b"][1]']);
  });

  it('never writes "//" itself: our commands use normalized absolute paths', () => {
    assert.deepEqual(validateCursorHooksFile(withHooks({ version: 1 }, SHIM)), []);
  });
});
