// Cursor's user hook file (~/.cursor/hooks.json): which events we register, our entries, merging
// them in and out, and the validation that runs before every write (reference/cursor.md §2, §3, §6).
// Cursor rejects the WHOLE file, silently, for one bad entry (unknown event key, matcher that is not
// a regex, missing version, unknown type, any `//` in a string), which would switch off the user's
// own hooks as well as ours. So we refuse to touch a file that already breaks a rule, and check the
// merged file against the same rules before writing it.
import {
  commandRunsShim,
  entriesState,
  hookCommand,
  HOOK_TIMEOUT_SECONDS,
  type HookConfigFormat,
  type HookEntriesReport,
  type JsonProblem,
} from './hook-config-format.ts';
import { IDE_TARGETS } from './ide-targets.ts';
import { isJsonObject, sameJson, type JsonObject, type JsonPathSegment, type JsonValue } from './json-text.ts';

/** Every event in Cursor's documentation; any other key makes Cursor reject the file ("Unknown hook type"). */
export const CURSOR_DOCUMENTED_EVENTS: readonly string[] = [
  'sessionStart',
  'sessionEnd',
  'preToolUse',
  'postToolUse',
  'postToolUseFailure',
  'subagentStart',
  'subagentStop',
  'beforeShellExecution',
  'afterShellExecution',
  'beforeMCPExecution',
  'afterMCPExecution',
  'beforeReadFile',
  'afterFileEdit',
  'beforeSubmitPrompt',
  'preCompact',
  'stop',
  'afterAgentResponse',
  'afterAgentThought',
  'beforeTabFileRead',
  'afterTabFileEdit',
  'workspaceOpen',
];

/**
 * The 14 observer events we register. Left out: the permission hooks (preToolUse, subagentStart,
 * beforeShellExecution, beforeMCPExecution, beforeReadFile, beforeTabFileRead), because Cursor
 * treats a bad or odd answer from them as a block, so a telemetry hook there could stop the agent;
 * and workspaceOpen, an app-lifecycle event with no session or conversation to attribute.
 */
export const CURSOR_HOOK_EVENTS: readonly string[] = [
  'sessionStart',
  'sessionEnd',
  'beforeSubmitPrompt',
  'postToolUse',
  'postToolUseFailure',
  'afterShellExecution',
  'afterMCPExecution',
  'afterFileEdit',
  'afterAgentResponse',
  'afterAgentThought',
  'preCompact',
  'subagentStop',
  'stop',
  'afterTabFileEdit',
];

const SHIM_NAME = IDE_TARGETS.cursor.shimName;

/** Our entry: a command, a small explicit timeout; never failClosed, never a prompt hook. */
export function cursorHookEntry(shim: string, event: string): JsonObject {
  return { command: hookCommand(shim, event), timeout: HOOK_TIMEOUT_SECONDS };
}

function isOurEntry(entry: JsonValue | undefined): boolean {
  return isJsonObject(entry) && (entry.type === undefined || entry.type === 'command') && commandRunsShim(entry.command, SHIM_NAME);
}

function describeValue(value: JsonValue | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

function validateEntry(entry: JsonValue, path: JsonPathSegment[], problems: JsonProblem[]): void {
  if (!isJsonObject(entry)) {
    problems.push({ path, problem: `must be an object like { "command": "..." }, not ${describeValue(entry)}`, fix: 'Fix or remove this entry' });
    return;
  }
  const type = entry.type ?? 'command';
  if (type !== 'command' && type !== 'prompt') {
    problems.push({ path: [...path, 'type'], problem: `is ${describeValue(entry.type)}; Cursor knows only "command" and "prompt"`, fix: 'Use "command" or "prompt", or remove this entry' });
  } else if (typeof entry[type] !== 'string') {
    problems.push({ path: [...path, type], problem: `must be a string for a ${type} hook, not ${describeValue(entry[type])}`, fix: `Set "${type}" or remove this entry` });
  }
  if (entry.timeout !== undefined && (typeof entry.timeout !== 'number' || !Number.isFinite(entry.timeout))) {
    problems.push({ path: [...path, 'timeout'], problem: `must be a number of seconds, not ${describeValue(entry.timeout)}`, fix: 'Use a number such as 30, or remove "timeout"' });
  }
  if (entry.matcher !== undefined) {
    if (typeof entry.matcher !== 'string') {
      problems.push({ path: [...path, 'matcher'], problem: `must be a regular expression in a string, not ${describeValue(entry.matcher)}`, fix: 'Make it a string, or remove "matcher"' });
    } else {
      try {
        new RegExp(entry.matcher);
      } catch (error) {
        problems.push({ path: [...path, 'matcher'], problem: `is not a valid regular expression (${(error as Error).message})`, fix: 'Fix the pattern, or remove "matcher"' });
      }
    }
  }
}

/** Cursor strips `//.*$` from each line before parsing, so `//` anywhere in a string (even "http://") breaks the file. */
function findDoubleSlashes(value: JsonValue, path: JsonPathSegment[], problems: JsonProblem[]): void {
  const fix = 'Remove the "//" (Cursor cuts every line at "//", even inside strings); e.g. move the command into a script and call the script';
  if (typeof value === 'string') {
    if (value.includes('//')) problems.push({ path, problem: 'contains "//"', fix });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findDoubleSlashes(item, [...path, index], problems));
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('//')) problems.push({ path: [...path, key], problem: 'has a key that contains "//"', fix });
      findDoubleSlashes(item, [...path, key], problems);
    }
  }
}

export function validateCursorHooksFile(document: JsonObject): JsonProblem[] {
  const problems: JsonProblem[] = [];
  const version = document.version;
  if (!(typeof version === 'number' && Number.isInteger(version) && version > 0)) {
    problems.push({ path: ['version'], problem: `must be a positive integer, not ${describeValue(version)}`, fix: 'Set "version": 1' });
  }
  // A file without "hooks" only means no hooks yet; we add the object.
  const hooks = document.hooks;
  if (hooks !== undefined && !isJsonObject(hooks)) {
    problems.push({ path: ['hooks'], problem: `must be an object that maps event names to lists, not ${describeValue(hooks)}`, fix: 'Fix or remove the "hooks" value' });
  } else if (hooks !== undefined) {
    for (const [event, entries] of Object.entries(hooks)) {
      if (!CURSOR_DOCUMENTED_EVENTS.includes(event)) {
        problems.push({ path: ['hooks', event], problem: 'is not an event Cursor knows, and Cursor rejects the whole file for it', fix: `Rename it to one of ${CURSOR_DOCUMENTED_EVENTS.join(', ')}, or remove it` });
      } else if (!Array.isArray(entries)) {
        problems.push({ path: ['hooks', event], problem: `must be a list of hook entries, not ${describeValue(entries)}`, fix: 'Make it a list such as [{ "command": "..." }]' });
      } else {
        entries.forEach((entry, index) => validateEntry(entry, ['hooks', event, index], problems));
      }
    }
  }
  findDoubleSlashes(document, [], problems);
  return problems;
}

/** Our entry replaces the first one of ours in place (keeping its position), later ones go; else it is appended. */
function placeOurEntry(entries: JsonValue[], desired: JsonObject): void {
  let placed = false;
  for (let index = 0; index < entries.length; index++) {
    if (!isOurEntry(entries[index])) continue;
    if (placed) entries.splice(index--, 1);
    else {
      entries[index] = structuredClone(desired);
      placed = true;
    }
  }
  if (!placed) entries.push(structuredClone(desired));
}

/** Removes our entries under hooks[event]; drops the list only if this emptied it. */
function removeOurEntries(hooks: JsonObject, event: string): void {
  const entries = hooks[event];
  if (!Array.isArray(entries) || !entries.some(isOurEntry)) return;
  const kept = entries.filter((entry) => !isOurEntry(entry));
  if (kept.length === 0) delete hooks[event];
  else hooks[event] = kept;
}

function withHooks(document: JsonObject, shim: string): JsonObject {
  const next = structuredClone(document);
  if (!isJsonObject(next.hooks)) next.hooks = {};
  const hooks = next.hooks;
  for (const event of Object.keys(hooks)) if (!CURSOR_HOOK_EVENTS.includes(event)) removeOurEntries(hooks, event);
  for (const event of CURSOR_HOOK_EVENTS) {
    const entries = hooks[event];
    if (Array.isArray(entries)) placeOurEntry(entries, cursorHookEntry(shim, event));
    else hooks[event] = [cursorHookEntry(shim, event)];
  }
  return next;
}

/** Keeps "hooks" even when it ends up empty: `{ "version": 1, "hooks": {} }` is the minimal valid file. */
function withoutHooks(document: JsonObject): JsonObject {
  const next = structuredClone(document);
  if (isJsonObject(next.hooks)) for (const event of Object.keys(next.hooks)) removeOurEntries(next.hooks, event);
  return next;
}

function inspect(document: JsonObject, shim: string): HookEntriesReport {
  const hooks = isJsonObject(document.hooks) ? document.hooks : {};
  const oursUnder = (event: string): JsonValue[] => {
    const entries = hooks[event];
    return Array.isArray(entries) ? entries.filter(isOurEntry) : [];
  };
  const installed: string[] = [];
  const outdated: string[] = [];
  const missing: string[] = [];
  for (const event of CURSOR_HOOK_EVENTS) {
    const ours = oursUnder(event);
    if (ours.length === 0) missing.push(event);
    else if (ours.length === 1 && sameJson(ours[0]!, cursorHookEntry(shim, event))) installed.push(event);
    else outdated.push(event);
  }
  const extra = Object.keys(hooks).filter((event) => !CURSOR_HOOK_EVENTS.includes(event) && oursUnder(event).length > 0);
  return { state: entriesState(installed, outdated, CURSOR_HOOK_EVENTS), installed, outdated, missing, extra };
}

export const CURSOR_HOOKS_FORMAT: HookConfigFormat = {
  ide: 'cursor',
  events: CURSOR_HOOK_EVENTS,
  emptyDocument: () => ({ version: 1, hooks: {} }),
  findProblems: validateCursorHooksFile,
  withHooks,
  withoutHooks,
  inspect,
  documentWarnings: () => [],
  notes: [
    'Permission hooks (preToolUse, subagentStart, beforeShellExecution, beforeMCPExecution, beforeReadFile, beforeTabFileRead) are not registered: Cursor treats an odd answer from them as a block.',
    'workspaceOpen is not registered: it carries no session to attribute.',
  ],
  problemNote: 'Cursor ignores the whole file while one entry is bad, so Blueplane will not add to it.',
  parseHint: 'If it holds // comments (Cursor tolerates them), remove them: Blueplane merges only into plain JSON.',
};
