import assert from 'node:assert/strict';
import { buildEvent } from '../../core/capture/build-event.ts';
import { CLAUDE_EVENT_TYPES, CURSOR_EVENT_TYPES, eventTypeFor } from '../../core/capture/hook-event-names.ts';
import { EVENT_TYPES } from '../../core/event/envelope.ts';
import { readFixturePayloads } from '../support/fixtures.ts';

const secret = Buffer.alloc(32, 1);

// The 31 events of reference/claude-code.md §2.2 and the 21 of reference/cursor.md §3.
const CLAUDE_DOCUMENTED = [
  'SessionStart', 'Setup', 'InstructionsLoaded', 'UserPromptSubmit', 'UserPromptExpansion', 'MessageDisplay',
  'PreToolUse', 'PermissionRequest', 'PermissionDenied', 'PostToolUse', 'PostToolUseFailure', 'PostToolBatch',
  'Notification', 'SubagentStart', 'SubagentStop', 'TaskCreated', 'TaskCompleted', 'Stop', 'StopFailure',
  'TeammateIdle', 'ConfigChange', 'CwdChanged', 'DirectoryAdded', 'FileChanged', 'WorktreeCreate', 'WorktreeRemove',
  'PreCompact', 'PostCompact', 'SessionEnd', 'Elicitation', 'ElicitationResult',
];
const CURSOR_DOCUMENTED = [
  'sessionStart', 'sessionEnd', 'preToolUse', 'postToolUse', 'postToolUseFailure', 'subagentStart', 'subagentStop',
  'beforeShellExecution', 'afterShellExecution', 'beforeMCPExecution', 'afterMCPExecution', 'beforeReadFile',
  'afterFileEdit', 'beforeSubmitPrompt', 'preCompact', 'stop', 'afterAgentResponse', 'afterAgentThought',
  'beforeTabFileRead', 'afterTabFileEdit', 'workspaceOpen',
];

describe('hook event normalization', () => {
  it('maps every documented Claude Code event to its own event type', () => {
    assert.equal(CLAUDE_DOCUMENTED.length, 31);
    assert.deepEqual(Object.keys(CLAUDE_EVENT_TYPES).sort(), [...CLAUDE_DOCUMENTED].sort());
    for (const name of CLAUDE_DOCUMENTED) {
      const type = eventTypeFor('claude_code', name);
      assert.notEqual(type, 'other', name);
      assert.ok(EVENT_TYPES.includes(type), name);
    }
  });

  it('maps every documented Cursor event to its own event type', () => {
    assert.equal(CURSOR_DOCUMENTED.length, 21);
    assert.deepEqual(Object.keys(CURSOR_EVENT_TYPES).sort(), [...CURSOR_DOCUMENTED].sort());
    for (const name of CURSOR_DOCUMENTED) assert.notEqual(eventTypeFor('cursor', name), 'other', name);
  });

  it('gives both IDEs the same type for the same moment', () => {
    for (const [claude, cursor] of [
      ['SessionStart', 'sessionStart'], ['SessionEnd', 'sessionEnd'], ['UserPromptSubmit', 'beforeSubmitPrompt'],
      ['PreToolUse', 'preToolUse'], ['PostToolUse', 'postToolUse'], ['PostToolUseFailure', 'postToolUseFailure'],
      ['Stop', 'stop'], ['PreCompact', 'preCompact'], ['SubagentStop', 'subagentStop'],
    ]) {
      assert.equal(eventTypeFor('claude_code', claude!), eventTypeFor('cursor', cursor!), `${claude} / ${cursor}`);
    }
  });

  it('keeps an unknown future event as "other" with its hook name', () => {
    const event = buildEvent({ hook_event_name: 'AgentDreamt', session_id: 's1', dream: 'secret text' }, { platform: 'claude_code', env: {}, secret });
    assert.equal(event.event_type, 'other');
    assert.equal(event.hook_type, 'AgentDreamt');
    assert.deepEqual(event.payload, { hook_name: 'AgentDreamt' });
  });

  it('does not store a hook name that is not a name', () => {
    const event = buildEvent({ hook_event_name: '/home/alice/secret plan.txt', session_id: 's1' }, { platform: 'cursor', env: {}, secret });
    assert.equal(event.event_type, 'other');
    assert.equal(event.hook_type, 'unknown');
  });

  it('names old Claude Code payloads that lack hook_event_name and cwd by their shape', () => {
    const old = readFixturePayloads('claude-hooks.docs.jsonl').filter((payload) => !('hook_event_name' in payload));
    assert.ok(old.length >= 4);
    const types = old.map((payload) => buildEvent(payload, { platform: 'claude_code', env: {}, secret }).event_type);
    assert.deepEqual(types, ['tool_start', 'tool_use', 'notification', 'turn_end']);
  });

  it('prefers the event name the installed shim passes when the payload has none', () => {
    const event = buildEvent({ session_id: 's', stop_hook_active: false }, { platform: 'claude_code', hookArg: 'SubagentStop', env: {}, secret });
    assert.equal(event.event_type, 'subagent_stop');
  });

  it('builds a complete envelope for every fixture payload', () => {
    for (const [file, platform] of [['claude-hooks.docs.jsonl', 'claude_code'], ['cursor-hooks.jsonl', 'cursor']] as const) {
      for (const payload of readFixturePayloads(file)) {
        const event = buildEvent(payload, { platform, env: {}, secret, now: Date.UTC(2026, 10, 22) });
        assert.equal(event.v, 1);
        assert.match(event.event_id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(event.timestamp, '2026-11-22T00:00:00.000Z');
        assert.equal(event.platform, platform);
        assert.notEqual(event.session_id, 'unknown');
        assert.notEqual(event.event_type, 'other', JSON.stringify(payload).slice(0, 80));
        assert.equal(typeof event.metadata.hook_version, 'string');
      }
    }
  });
});
