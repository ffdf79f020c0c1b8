// Claude Code's user settings (~/.claude/settings.json): which events we register, the exact shape
// of our entries, and merging them in and out (reference/claude-code.md §1, §3). Shape:
// hooks[Event] is a list of matcher groups { matcher?, hooks: [handler] }; we add one group of our
// own per event, without a matcher (= every occurrence), and never edit a user's group.
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
import { isJsonObject, sameJson, type JsonObject, type JsonValue } from './json-text.ts';

/**
 * The 29 events we observe: all 31 documented ones except WorktreeCreate and WorktreeRemove.
 * A command hook on those two REPLACES Claude Code's own git worktree logic (it must create the
 * worktree and print its path), so merely observing them would break `claude --worktree`.
 */
export const CLAUDE_HOOK_EVENTS: readonly string[] = [
  'SessionStart',
  'Setup',
  'InstructionsLoaded',
  'UserPromptSubmit',
  'UserPromptExpansion',
  'MessageDisplay',
  'PreToolUse',
  'PermissionRequest',
  'PermissionDenied',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'Notification',
  'SubagentStart',
  'SubagentStop',
  'TaskCreated',
  'TaskCompleted',
  'Stop',
  'StopFailure',
  'TeammateIdle',
  'ConfigChange',
  'CwdChanged',
  'DirectoryAdded',
  'FileChanged',
  'PreCompact',
  'PostCompact',
  'SessionEnd',
  'Elicitation',
  'ElicitationResult',
];

/**
 * Every other event runs with `async: true`: Claude Code goes on at once instead of waiting the
 * ~50-60 ms of Node start-up on each tool call and prompt, and an async hook is its own process that
 * can decide nothing, which is all an observer wants. These three stay synchronous because they
 * fire right before teardown, and in `-p` mode Claude Code kills async hooks at teardown.
 */
export const CLAUDE_SYNC_EVENTS: ReadonlySet<string> = new Set(['Stop', 'StopFailure', 'SessionEnd']);

const SHIM_NAME = IDE_TARGETS.claude.shimName;

export function claudeHookGroup(shim: string, event: string): JsonObject {
  const handler: JsonObject = { type: 'command', command: hookCommand(shim, event), timeout: HOOK_TIMEOUT_SECONDS };
  if (!CLAUDE_SYNC_EVENTS.has(event)) handler.async = true;
  return { hooks: [handler] };
}

function isOurHandler(handler: JsonValue | undefined): boolean {
  return isJsonObject(handler) && (handler.type === undefined || handler.type === 'command') && commandRunsShim(handler.command, SHIM_NAME);
}

/** A group's handler list, when the group has the documented shape; other values are left alone. */
function handlersOf(group: JsonValue | undefined): JsonValue[] | undefined {
  return isJsonObject(group) && Array.isArray(group.hooks) ? group.hooks : undefined;
}

/**
 * Leaves exactly one handler of ours in `groups`, in place of the first one found (so a reinstall
 * after a change of home or runtime keeps its position), or appends our group if there was none.
 * A group holding only our handlers is ours and is replaced whole; in a group the user shares with
 * us, only our handler is replaced. Groups emptied by removing a duplicate of ours are dropped.
 */
function placeOurGroup(groups: JsonValue[], desired: JsonObject): void {
  const desiredHandler = (desired.hooks as JsonValue[])[0]!;
  let placed = false;
  for (let index = 0; index < groups.length; index++) {
    const handlers = handlersOf(groups[index]);
    if (!handlers?.some(isOurHandler)) continue;
    if (!placed && handlers.every(isOurHandler)) {
      groups[index] = structuredClone(desired);
      placed = true;
      continue;
    }
    const kept: JsonValue[] = [];
    for (const handler of handlers) {
      if (!isOurHandler(handler)) kept.push(handler);
      else if (!placed) {
        kept.push(structuredClone(desiredHandler));
        placed = true;
      }
    }
    if (kept.length === 0) groups.splice(index--, 1);
    else (groups[index] as JsonObject).hooks = kept;
  }
  if (!placed) groups.push(structuredClone(desired));
}

/** Removes our handlers under hooks[event]; drops only the groups and the list that this emptied. */
function removeOurHandlers(hooks: JsonObject, event: string): boolean {
  const groups = hooks[event];
  if (!Array.isArray(groups)) return false;
  let removed = false;
  for (let index = 0; index < groups.length; index++) {
    const handlers = handlersOf(groups[index]);
    if (!handlers?.some(isOurHandler)) continue;
    removed = true;
    const kept = handlers.filter((handler) => !isOurHandler(handler));
    if (kept.length === 0) groups.splice(index--, 1);
    else (groups[index] as JsonObject).hooks = kept;
  }
  if (removed && groups.length === 0) delete hooks[event];
  return removed;
}

function findProblems(document: JsonObject): JsonProblem[] {
  const hooks = document.hooks;
  if (hooks === undefined) return [];
  if (!isJsonObject(hooks)) {
    return [{ path: ['hooks'], problem: 'must be an object that maps event names to lists of matcher groups', fix: 'Fix or remove the "hooks" value' }];
  }
  // Only the lists we must edit have to be lists; anything else under "hooks" is left untouched.
  return CLAUDE_HOOK_EVENTS.filter((event) => hooks[event] !== undefined && !Array.isArray(hooks[event])).map((event) => ({
    path: ['hooks', event],
    problem: 'must be a list of matcher groups ([{ "hooks": [...] }])',
    fix: 'Make it a list (or remove it)',
  }));
}

function withHooks(document: JsonObject, shim: string): JsonObject {
  const next = structuredClone(document);
  if (!isJsonObject(next.hooks)) next.hooks = {};
  const hooks = next.hooks;
  // An entry of ours on an event we no longer register (e.g. written by an older version) goes.
  for (const event of Object.keys(hooks)) if (!CLAUDE_HOOK_EVENTS.includes(event)) removeOurHandlers(hooks, event);
  for (const event of CLAUDE_HOOK_EVENTS) {
    const groups = hooks[event];
    if (Array.isArray(groups)) placeOurGroup(groups, claudeHookGroup(shim, event));
    else hooks[event] = [claudeHookGroup(shim, event)];
  }
  return next;
}

function withoutHooks(document: JsonObject): JsonObject {
  const next = structuredClone(document);
  const hooks = next.hooks;
  if (!isJsonObject(hooks)) return next;
  let removed = false;
  for (const event of Object.keys(hooks)) removed = removeOurHandlers(hooks, event) || removed;
  if (removed && Object.keys(hooks).length === 0) delete next.hooks;
  return next;
}

function inspect(document: JsonObject, shim: string): HookEntriesReport {
  const hooks = isJsonObject(document.hooks) ? document.hooks : {};
  const oursUnder = (event: string): { group: JsonValue; handler: JsonValue }[] => {
    const groups = hooks[event];
    if (!Array.isArray(groups)) return [];
    return groups.flatMap((group) => (handlersOf(group) ?? []).filter(isOurHandler).map((handler) => ({ group, handler })));
  };
  const installed: string[] = [];
  const outdated: string[] = [];
  const missing: string[] = [];
  for (const event of CLAUDE_HOOK_EVENTS) {
    const ours = oursUnder(event);
    const desired = claudeHookGroup(shim, event);
    const only = ours.length === 1 ? ours[0]! : undefined;
    if (ours.length === 0) missing.push(event);
    // What install leaves: our own group exactly, or our exact handler in a group the user shares with us.
    else if (only && (sameJson(only.group, desired) || (sameJson(only.handler, (desired.hooks as JsonValue[])[0]!) && !handlersOf(only.group)!.every(isOurHandler)))) installed.push(event);
    else outdated.push(event);
  }
  const extra = Object.keys(hooks).filter((event) => !CLAUDE_HOOK_EVENTS.includes(event) && oursUnder(event).length > 0);
  return { state: entriesState(installed, outdated, CLAUDE_HOOK_EVENTS), installed, outdated, missing, extra };
}

export const CLAUDE_SETTINGS_FORMAT: HookConfigFormat = {
  ide: 'claude',
  events: CLAUDE_HOOK_EVENTS,
  emptyDocument: () => ({}),
  findProblems,
  withHooks,
  withoutHooks,
  inspect,
  documentWarnings: (document) =>
    document.disableAllHooks === true ? ['"disableAllHooks" is true in this file: Claude Code runs no hooks at all.'] : [],
  notes: [
    'WorktreeCreate and WorktreeRemove are not registered: a hook on them replaces Claude Code\'s own git worktree handling, so observing them would break `claude --worktree`.',
  ],
};
