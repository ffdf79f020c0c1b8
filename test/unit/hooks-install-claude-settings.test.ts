import assert from 'node:assert/strict';
import { CLAUDE_HOOK_EVENTS, CLAUDE_SETTINGS_FORMAT, CLAUDE_SYNC_EVENTS, claudeHookGroup } from '../../core/hooks-install/claude-settings.ts';
import type { JsonObject } from '../../core/hooks-install/json-text.ts';

const SHIM = '/home/u/.blueplane/bin/blueplane-claude-hook';
const OTHER_SHIM = "/srv/o'neil/bp/bin/blueplane-claude-hook";
const { withHooks, withoutHooks, inspect, findProblems } = CLAUDE_SETTINGS_FORMAT;

function userSettings(): JsonObject {
  return {
    $schema: 'https://json.schemastore.org/claude-code-settings.json',
    permissions: { allow: ['Bash(npm test)'], deny: ['Read(./.env)'] },
    env: { FOO: 'bar' },
    hooks: {
      PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '/home/u/check.sh', timeout: 10 }] }],
      Stop: [{ hooks: [{ type: 'http', url: 'http://localhost:8080/hooks/stop', timeout: 30 }] }],
    },
    model: 'opus',
  };
}

function groupsOf(document: JsonObject, event: string): JsonObject[] {
  return (document.hooks as Record<string, JsonObject[]>)[event] ?? [];
}

describe('hooks-install Claude Code settings', () => {
  it('registers the 29 observable events, never WorktreeCreate/WorktreeRemove (a hook there replaces git worktree handling)', () => {
    assert.equal(CLAUDE_HOOK_EVENTS.length, 29);
    assert.equal(new Set(CLAUDE_HOOK_EVENTS).size, 29);
    assert.ok(!CLAUDE_HOOK_EVENTS.includes('WorktreeCreate'));
    assert.ok(!CLAUDE_HOOK_EVENTS.includes('WorktreeRemove'));
    assert.deepEqual([...CLAUDE_SYNC_EVENTS].sort(), ['SessionEnd', 'Stop', 'StopFailure']);
  });

  it('builds one group per event: command running the quoted shim with the event name, timeout 5, async except Stop/StopFailure/SessionEnd', () => {
    assert.deepEqual(claudeHookGroup(SHIM, 'PreToolUse'), {
      hooks: [{ type: 'command', command: `'${SHIM}' PreToolUse`, timeout: 5, async: true }],
    });
    for (const event of ['Stop', 'StopFailure', 'SessionEnd']) {
      assert.deepEqual(claudeHookGroup(SHIM, event), { hooks: [{ type: 'command', command: `'${SHIM}' ${event}`, timeout: 5 }] });
    }
    assert.equal((claudeHookGroup(OTHER_SHIM, 'Stop').hooks as JsonObject[])[0]!.command, `'/srv/o'\\''neil/bp/bin/blueplane-claude-hook' Stop`);
  });

  it('adds our group after the user\'s own and keeps every other key and entry as it was', () => {
    const before = userSettings();
    const after = withHooks(before, SHIM);
    assert.deepEqual(before, userSettings(), 'input not mutated');
    assert.deepEqual(Object.keys(after), Object.keys(before));
    for (const key of ['$schema', 'permissions', 'env', 'model']) assert.deepEqual(after[key], before[key]);
    assert.deepEqual(groupsOf(after, 'PreToolUse'), [...groupsOf(before, 'PreToolUse'), claudeHookGroup(SHIM, 'PreToolUse')]);
    assert.deepEqual(groupsOf(after, 'Stop'), [...groupsOf(before, 'Stop'), claudeHookGroup(SHIM, 'Stop')]);
    assert.deepEqual(Object.keys(after.hooks as JsonObject), ['PreToolUse', 'Stop', ...CLAUDE_HOOK_EVENTS.filter((e) => e !== 'PreToolUse' && e !== 'Stop')]);
    for (const event of CLAUDE_HOOK_EVENTS) assert.deepEqual(groupsOf(after, event).at(-1), claudeHookGroup(SHIM, event));
    assert.equal(inspect(after, SHIM).state, 'all');
  });

  it('is idempotent', () => {
    const once = withHooks(userSettings(), SHIM);
    assert.equal(JSON.stringify(withHooks(once, SHIM)), JSON.stringify(once));
  });

  it('after a change of home or runtime, replaces our entries in place and leaves no old one', () => {
    const old = withHooks(userSettings(), OTHER_SHIM);
    (old.hooks as Record<string, JsonObject[]>).PreToolUse!.push({ matcher: 'Edit', hooks: [{ type: 'command', command: 'later.sh' }] });
    assert.equal(inspect(old, SHIM).state, 'some');
    assert.deepEqual(inspect(old, SHIM).outdated, [...CLAUDE_HOOK_EVENTS]);
    const next = withHooks(old, SHIM);
    const pre = groupsOf(next, 'PreToolUse');
    assert.equal(pre.length, 3);
    assert.deepEqual(pre[1], claudeHookGroup(SHIM, 'PreToolUse'), 'same position as the old entry');
    assert.equal((pre[2]!.hooks as JsonObject[])[0]!.command, 'later.sh');
    assert.ok(!JSON.stringify(next).includes('/srv/'));
    assert.equal(inspect(next, SHIM).state, 'all');
  });

  it('in a group the user shares with us, replaces or removes only our handler', () => {
    const shared: JsonObject = {
      hooks: {
        PostToolUse: [
          {
            matcher: 'Edit',
            hooks: [
              { type: 'command', command: `'${OTHER_SHIM}' PostToolUse` },
              { type: 'command', command: 'fmt.sh' },
            ],
          },
        ],
      },
    };
    const installed = withHooks(shared, SHIM);
    const group = groupsOf(installed, 'PostToolUse');
    assert.equal(group.length, 1);
    assert.equal(group[0]!.matcher, 'Edit');
    assert.deepEqual(group[0]!.hooks, [(claudeHookGroup(SHIM, 'PostToolUse').hooks as JsonObject[])[0], { type: 'command', command: 'fmt.sh' }]);
    assert.ok(inspect(installed, SHIM).installed.includes('PostToolUse'));
    assert.deepEqual(groupsOf(withoutHooks(installed), 'PostToolUse'), [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'fmt.sh' }] }]);
  });

  it('keeps exactly one entry of ours when the file holds duplicates', () => {
    const doubled: JsonObject = { hooks: { Stop: [claudeHookGroup(OTHER_SHIM, 'Stop'), claudeHookGroup(SHIM, 'Stop'), claudeHookGroup(SHIM, 'Stop')] } };
    assert.ok(inspect(doubled, SHIM).outdated.includes('Stop'));
    assert.deepEqual(groupsOf(withHooks(doubled, SHIM), 'Stop'), [claudeHookGroup(SHIM, 'Stop')]);
  });

  it('uninstall gives back the original document, key order included', () => {
    const original = userSettings();
    assert.equal(JSON.stringify(withoutHooks(withHooks(original, SHIM))), JSON.stringify(original));
    assert.deepEqual(withoutHooks(withHooks({}, SHIM)), {}, 'a hooks object we emptied goes');
    assert.deepEqual(withoutHooks(withHooks({ a: 1 }, OTHER_SHIM)), { a: 1 }, 'entries from any home are ours');
  });

  it('uninstall drops only the groups and lists it emptied itself', () => {
    const document: JsonObject = {
      hooks: {
        Notification: [],
        Stop: [{ hooks: [] }, claudeHookGroup(SHIM, 'Stop')],
        PreToolUse: [claudeHookGroup(SHIM, 'PreToolUse')],
      },
    };
    assert.deepEqual(withoutHooks(document), { hooks: { Notification: [], Stop: [{ hooks: [] }] } });
    const empty: JsonObject = { hooks: {} };
    assert.deepEqual(withoutHooks(empty), { hooks: {} }, "the user's own empty hooks object stays");
  });

  it('removes an entry of ours from an event it no longer registers, and reports it until then', () => {
    const stale: JsonObject = { hooks: { WorktreeCreate: [claudeHookGroup(SHIM, 'WorktreeCreate')], WorktreeRemove: [{ hooks: [{ type: 'command', command: 'mine.sh' }] }] } };
    assert.deepEqual(inspect(stale, SHIM).extra, ['WorktreeCreate']);
    const next = withHooks(stale, SHIM);
    assert.equal((next.hooks as JsonObject).WorktreeCreate, undefined);
    assert.deepEqual((next.hooks as JsonObject).WorktreeRemove, [{ hooks: [{ type: 'command', command: 'mine.sh' }] }]);
    assert.deepEqual(inspect(next, SHIM).extra, []);
  });

  it('recognizes ours by the shim it runs, not by similar names', () => {
    const document: JsonObject = {
      hooks: {
        Stop: [
          { hooks: [{ type: 'command', command: '/opt/bin/blueplane-claude-hook-wrapper Stop' }] },
          { hooks: [{ type: 'command', command: '/opt/blueplane-claude-hook Stop' }] },
          { hooks: [{ type: 'http', url: 'http://x/bin/blueplane-claude-hook' }] },
          { hooks: [{ type: 'command', command: '"/x/bin/blueplane-claude-hook" Stop' }] },
        ],
      },
    };
    assert.deepEqual(groupsOf(withoutHooks(document), 'Stop'), groupsOf(document, 'Stop').slice(0, 3));
  });

  it('reports what it will not merge into, by JSON path', () => {
    assert.deepEqual(findProblems({}), []);
    assert.deepEqual(findProblems(userSettings()), []);
    assert.deepEqual(findProblems({ hooks: [] }).map((p) => p.path), [['hooks']]);
    assert.deepEqual(findProblems({ hooks: { PreToolUse: {}, Unknown: 'left alone' } }).map((p) => p.path), [['hooks', 'PreToolUse']]);
  });

  it('notes settings that switch every hook off', () => {
    assert.deepEqual(CLAUDE_SETTINGS_FORMAT.documentWarnings({}), []);
    assert.match(CLAUDE_SETTINGS_FORMAT.documentWarnings({ disableAllHooks: true })[0]!, /disableAllHooks/);
  });
});
