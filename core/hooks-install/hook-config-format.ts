// What the installer needs to know about one IDE's hook config file, as pure functions over the
// parsed JSON (claude-settings.ts, cursor-hooks-file.ts). Every function returns a new document and
// leaves the user's entries, and the order of every key, exactly as they were.
import { shellQuote } from './shim.ts';
import type { Ide } from './ide-targets.ts';
import type { JsonObject, JsonPathSegment } from './json-text.ts';

/** Timeout we give every hook, in seconds: explicit and small; the hook itself ends well under 1 s. */
export const HOOK_TIMEOUT_SECONDS = 5;

export interface JsonProblem {
  path: JsonPathSegment[];
  problem: string;
  fix: string;
}

export type HooksState = 'all' | 'some' | 'none';

export interface HookEntriesReport {
  state: HooksState;
  /** Events we register whose entry is exactly what install writes. */
  installed: string[];
  /** Events whose entry of ours differs from what install writes (another home, an older shape). */
  outdated: string[];
  /** Events we register that have no entry of ours. */
  missing: string[];
  /** Events we do not register that still hold an entry of ours (install or uninstall removes it). */
  extra: string[];
}

export interface HookConfigFormat {
  ide: Ide;
  /** The events we register, in the order we add them. */
  events: readonly string[];
  /** What a file that does not exist yet is taken to hold. */
  emptyDocument(): JsonObject;
  /** Everything in the document that stops us from merging into it; empty when it is fine. */
  findProblems(document: JsonObject): JsonProblem[];
  /** The document with exactly one entry of ours per event, pointing at `shim`. */
  withHooks(document: JsonObject, shim: string): JsonObject;
  /** The document without any entry of ours, whatever home it pointed at. */
  withoutHooks(document: JsonObject): JsonObject;
  inspect(document: JsonObject, shim: string): HookEntriesReport;
  /** Settings in the document that stop the IDE from running any hook; shown by status. */
  documentWarnings(document: JsonObject): string[];
  /** What we deliberately do not register, and why; shown by status. */
  notes: readonly string[];
  /** Added to the message when the file is not valid JSON. */
  parseHint?: string;
  /** Added to the message when findProblems refuses the file. */
  problemNote?: string;
}

/** The command line an IDE runs: the quoted shim and the event name as its one argument. */
export function hookCommand(shim: string, event: string): string {
  return `${shellQuote(shim)} ${event}`;
}

/** Recognizes a command of ours by the shim it runs, in any Blueplane home. */
export function commandRunsShim(command: unknown, shimName: string): boolean {
  if (typeof command !== 'string') return false;
  const at = command.indexOf(`/bin/${shimName}`);
  if (at < 0) return false;
  const after = command[at + shimName.length + 5];
  return after === undefined || after === "'" || after === '"' || after === ' ' || after === '\t';
}

export function entriesState(installed: readonly string[], outdated: readonly string[], events: readonly string[]): HooksState {
  if (installed.length === events.length) return 'all';
  return installed.length + outdated.length === 0 ? 'none' : 'some';
}
