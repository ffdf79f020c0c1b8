// Realistic sanitized events for the storage and fast-path tests and the ingest benchmark: the
// shared fixtures run through the real capture code (buildEvent), and a seeded synthetic mix of
// whole coding sessions (both IDEs, every hook they send) built the same way, so sizes, key order
// and the share of hashes and ids are what the daemon will really see.
import { randomBytes } from 'node:crypto';
import { buildEvent } from '../../core/capture/build-event.ts';
import type { Platform, TelemetryEvent } from '../../core/event/envelope.ts';
import { readFixturePayloads } from './fixtures.ts';

export const TEST_SECRET = Buffer.alloc(32, 7);

/** Every fixture payload of both IDEs as the hooks would send it. */
export function fixtureEvents(secret: Buffer = TEST_SECRET, startMs = Date.UTC(2026, 7, 22, 9)): TelemetryEvent[] {
  const events: TelemetryEvent[] = [];
  let now = startMs;
  for (const [file, platform] of [
    ['claude-hooks.docs.jsonl', 'claude_code'],
    ['cursor-hooks.jsonl', 'cursor'],
  ] as const) {
    for (const raw of readFixturePayloads(file)) {
      events.push(buildEvent(raw, { platform, env: { CLAUDE_PROJECT_DIR: '/home/dev/shop', CURSOR_PROJECT_DIR: '/home/dev/shop' }, secret, now: (now += 37) }));
    }
  }
  return events;
}

/** mulberry32: small, fast and seedable, so a mix is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILES = ['src/index.ts', 'src/api/users.ts', 'src/ui/App.tsx', 'README.md', 'package.json', 'tests/users.test.ts', 'app/models.py', 'app/views.py', 'styles/main.css', 'docs/setup.md', 'scripts/build.mjs', 'go.mod', 'cmd/server/main.go'];
const COMMANDS = ['npm test', 'npm run build', 'git status', 'git diff --stat', 'ls -la src', 'pytest -q tests/', 'node scripts/build.mjs', 'cat package.json', 'rg -n "TODO" src', 'go test ./...', 'npx tsc --noEmit'];
const CLAUDE_MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001'];
const CURSOR_MODELS = ['claude-4.5-sonnet', 'gpt-5', 'composer-1', 'default'];
const PROJECTS = ['/home/dev/shop', '/home/dev/blueplane', '/home/dev/notes-app'];

function words(random: () => number, count: number): string {
  const vocabulary = ['fix', 'the', 'failing', 'test', 'in', 'users', 'module', 'and', 'add', 'a', 'check', 'for', 'empty', 'names', 'refactor', 'please'];
  return Array.from({ length: count }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' ');
}

function lines(random: () => number, count: number): string {
  return Array.from({ length: count }, (_, index) => `  const value${index} = compute(${Math.floor(random() * 1000)});`).join('\n');
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function toolUseId(random: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `toolu_01${Array.from({ length: 22 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')}`;
}

type RawPayload = Record<string, unknown>;

/** One Claude Code session: start, turns of prompt → tool calls → stop, the odd failure, compaction, subagent, end. */
function claudeSession(random: () => number): RawPayload[] {
  const project = pick(random, PROJECTS);
  const base = { session_id: uuidFrom(random), transcript_path: `/home/dev/.claude/projects/x/${uuidFrom(random)}.jsonl`, cwd: project, permission_mode: pick(random, ['default', 'acceptEdits', 'plan']) };
  const model = pick(random, CLAUDE_MODELS);
  const payloads: RawPayload[] = [{ ...base, hook_event_name: 'SessionStart', source: 'startup', model }];
  const turns = 2 + Math.floor(random() * 4);
  for (let turn = 0; turn < turns; turn++) {
    payloads.push({ ...base, hook_event_name: 'UserPromptSubmit', prompt: words(random, 5 + Math.floor(random() * 40)) });
    const calls = 1 + Math.floor(random() * 6);
    for (let call = 0; call < calls; call++) {
      const id = toolUseId(random);
      const file = `${project}/${pick(random, FILES)}`;
      const kind = random();
      if (kind < 0.35) {
        const input = { file_path: file, old_string: lines(random, Math.floor(random() * 12)), new_string: lines(random, 1 + Math.floor(random() * 30)) };
        payloads.push({ ...base, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: input, tool_use_id: id });
        payloads.push({
          ...base,
          hook_event_name: 'PostToolUse',
          tool_name: 'Edit',
          tool_input: input,
          tool_use_id: id,
          tool_response: { filePath: file, structuredPatch: [{ oldStart: 3, oldLines: 1, newStart: 3, newLines: 2, lines: ['-a', '+a', '+b'] }], type: random() < 0.1 ? 'create' : 'update' },
          duration_ms: Math.floor(random() * 200),
        });
      } else if (kind < 0.6) {
        const input = { command: pick(random, COMMANDS), description: 'Run it' };
        payloads.push({ ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: input, tool_use_id: id });
        if (random() < 0.15) {
          payloads.push({ ...base, hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: input, tool_use_id: id, error: 'Exit code 1\nFAIL tests', duration_ms: Math.floor(random() * 5000) });
        } else {
          payloads.push({ ...base, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: input, tool_use_id: id, tool_response: { stdout: lines(random, Math.floor(random() * 200)), stderr: '', interrupted: false }, duration_ms: Math.floor(random() * 3000) });
        }
      } else if (kind < 0.85) {
        const tool = pick(random, ['Read', 'Grep', 'Glob']);
        const input = tool === 'Read' ? { file_path: file } : { pattern: 'TODO', path: project };
        payloads.push({ ...base, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: id });
        payloads.push({ ...base, hook_event_name: 'PostToolUse', tool_name: tool, tool_input: input, tool_use_id: id, tool_response: { content: lines(random, Math.floor(random() * 300)) } });
      } else if (kind < 0.93) {
        const input = { description: 'Explore', prompt: words(random, 20), subagent_type: 'Explore' };
        payloads.push({ ...base, hook_event_name: 'PreToolUse', tool_name: 'Task', tool_input: input, tool_use_id: id });
        payloads.push({ ...base, hook_event_name: 'SubagentStart', agent_id: `agent-${Math.floor(random() * 1e6)}`, agent_type: 'Explore' });
        payloads.push({ ...base, hook_event_name: 'SubagentStop', agent_id: `agent-${Math.floor(random() * 1e6)}`, agent_type: 'Explore', stop_hook_active: false, last_assistant_message: words(random, 30) });
        payloads.push({ ...base, hook_event_name: 'PostToolUse', tool_name: 'Task', tool_input: input, tool_use_id: id, tool_response: { totalTokens: Math.floor(random() * 50000), totalToolUseCount: 7, status: 'completed', totalDurationMs: 42000 } });
      } else {
        payloads.push({ ...base, hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: pick(random, COMMANDS) }, permission_suggestions: [{}] });
        payloads.push({ ...base, hook_event_name: 'Notification', message: 'Claude needs your permission', notification_type: 'permission_prompt' });
      }
    }
    if (calls > 2) payloads.push({ ...base, hook_event_name: 'PostToolBatch', tool_calls: [{ tool_name: 'Read' }, { tool_name: 'Grep' }] });
    if (random() < 0.05) payloads.push({ ...base, hook_event_name: 'StopFailure', error: 'rate_limit', last_assistant_message: words(random, 8) });
    else payloads.push({ ...base, hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: words(random, 40) });
    if (random() < 0.1) {
      payloads.push({ ...base, hook_event_name: 'PreCompact', trigger: 'auto', custom_instructions: '' });
      payloads.push({ ...base, hook_event_name: 'PostCompact', trigger: 'auto', compact_summary: words(random, 60) });
    }
  }
  payloads.push({ ...base, hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });
  return payloads;
}

/** One Cursor agent conversation: prompt, thoughts, reads, shell, MCP, edits, response, stop, the odd tab edit. */
function cursorSession(random: () => number): RawPayload[] {
  const project = pick(random, PROJECTS);
  const conversation = uuidFrom(random);
  const model = pick(random, CURSOR_MODELS);
  const base = { conversation_id: conversation, session_id: conversation, model, cursor_version: '1.7.52', workspace_roots: [project], user_email: null, transcript_path: null };
  const payloads: RawPayload[] = [{ ...base, hook_event_name: 'sessionStart', composer_mode: 'agent', is_background_agent: false }];
  if (random() < 0.2) payloads.unshift({ ...base, hook_event_name: 'workspaceOpen' });
  const turns = 1 + Math.floor(random() * 4);
  for (let turn = 0; turn < turns; turn++) {
    const generation = { ...base, generation_id: uuidFrom(random) };
    payloads.push({ ...generation, hook_event_name: 'beforeSubmitPrompt', prompt: words(random, 5 + Math.floor(random() * 30)), attachments: [{ type: 'file', filePath: `${project}/${pick(random, FILES)}` }] });
    payloads.push({ ...generation, hook_event_name: 'afterAgentThought', text: words(random, 50), duration_ms: Math.floor(random() * 4000) });
    const steps = 1 + Math.floor(random() * 5);
    for (let step = 0; step < steps; step++) {
      const file = `${project}/${pick(random, FILES)}`;
      const kind = random();
      if (kind < 0.3) {
        payloads.push({ ...generation, hook_event_name: 'beforeReadFile', file_path: file, content: lines(random, 10) });
      } else if (kind < 0.55) {
        payloads.push({ ...generation, hook_event_name: 'afterFileEdit', file_path: file, edits: [{ old_string: lines(random, Math.floor(random() * 10)), new_string: lines(random, Math.floor(random() * 25)) }] });
      } else if (kind < 0.75) {
        const command = pick(random, COMMANDS);
        payloads.push({ ...generation, hook_event_name: 'beforeShellExecution', command, cwd: project, sandbox: false });
        payloads.push({ ...generation, hook_event_name: 'afterShellExecution', command, output: lines(random, 5), duration: Math.floor(random() * 3000), sandbox: false });
      } else if (kind < 0.85) {
        payloads.push({ ...generation, hook_event_name: 'beforeMCPExecution', tool_name: 'search_issues', tool_input: JSON.stringify({ q: 'bug' }), server_url: 'https://mcp.example.com' });
        payloads.push({ ...generation, hook_event_name: 'afterMCPExecution', tool_name: 'search_issues', tool_input: JSON.stringify({ q: 'bug' }), result_json: JSON.stringify({ items: [1, 2, 3] }), duration: 812 });
      } else {
        const input = { target_file: file };
        payloads.push({ ...generation, hook_event_name: 'preToolUse', tool_name: 'read_file', tool_input: input, tool_use_id: `call_${uuidFrom(random).replace(/-/g, '')}` });
        if (random() < 0.2) payloads.push({ ...generation, hook_event_name: 'postToolUseFailure', tool_name: 'read_file', tool_input: input, failure_type: 'error', error_message: 'not found', duration: 12 });
        else payloads.push({ ...generation, hook_event_name: 'postToolUse', tool_name: 'read_file', tool_input: input, tool_output: lines(random, 3), duration: 35 });
      }
    }
    payloads.push({ ...generation, hook_event_name: 'afterAgentResponse', text: words(random, 80), input_tokens: Math.floor(random() * 40000), output_tokens: Math.floor(random() * 2000) });
    payloads.push({ ...generation, hook_event_name: 'stop', status: 'completed', loop_count: 0, input_tokens: Math.floor(random() * 40000), output_tokens: Math.floor(random() * 2000) });
    if (random() < 0.1) {
      payloads.push({ ...base, hook_event_name: 'subagentStart', subagent_type: 'explore', is_parallel_worker: false, tool_call_id: `call_${uuidFrom(random).replace(/-/g, '')}` });
      payloads.push({ ...base, hook_event_name: 'subagentStop', subagent_type: 'explore', status: 'completed', duration_ms: Math.floor(random() * 60000), message_count: 12, tool_call_count: 5, loop_count: 1, modified_files: [], summary: words(random, 20) });
    }
    if (random() < 0.2) payloads.push({ ...base, hook_event_name: 'beforeTabFileRead', file_path: `${project}/${pick(random, FILES)}`, content: lines(random, 20) });
    if (random() < 0.2) payloads.push({ ...base, hook_event_name: 'afterTabFileEdit', file_path: `${project}/${pick(random, FILES)}`, edits: [{ old_string: 'a', new_string: 'ab\nc' }] });
  }
  if (random() < 0.1) payloads.push({ ...base, hook_event_name: 'preCompact', trigger: 'auto', context_usage_percent: 91.5, context_tokens: 180000, context_window_size: 200000, message_count: 80, messages_to_compact: 60, is_first_compaction: true });
  payloads.push({ ...base, hook_event_name: 'sessionEnd', reason: 'user_close', final_status: 'completed', duration_ms: Math.floor(random() * 600000), is_background_agent: false });
  return payloads;
}

/**
 * `count` events from whole sessions of both IDEs (about 2 Claude Code sessions for each Cursor
 * one), timestamps moving forward from startMs. The same seed gives the same mix; event_ids are
 * always fresh UUIDv7s.
 */
export function syntheticEvents(count: number, seed = 1, startMs = Date.UTC(2026, 7, 22, 9), secret: Buffer = TEST_SECRET): TelemetryEvent[] {
  const random = seededRandom(seed);
  const events: TelemetryEvent[] = [];
  let now = startMs;
  while (events.length < count) {
    const platform: Platform = random() < 0.66 ? 'claude_code' : 'cursor';
    const session = platform === 'claude_code' ? claudeSession(random) : cursorSession(random);
    for (const raw of session) {
      if (events.length === count) break;
      now += 1 + Math.floor(random() * 900);
      const env = platform === 'claude_code' ? { CLAUDE_PROJECT_DIR: String(raw.cwd) } : {};
      events.push(buildEvent(raw, { platform, env, secret, now }));
    }
  }
  return events;
}

/** A secret unlike TEST_SECRET, for checks that must not depend on one install's hashes. */
export function randomSecret(): Buffer {
  return randomBytes(32);
}
