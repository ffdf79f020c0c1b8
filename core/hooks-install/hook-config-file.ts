// One IDE's hook config file as the installer sees it: read and checked before anything is written,
// changed in memory, checked again, then written only if the content really changed (so installing
// twice leaves the file, its mtime and its backup alone).
import { backupPath, IDE_TARGETS, type Ide } from './ide-targets.ts';
import { readJsonObjectFile, writeJsonObjectFile, type JsonFileSnapshot } from './atomic-json-file.ts';
import { CLAUDE_SETTINGS_FORMAT } from './claude-settings.ts';
import { CURSOR_HOOKS_FORMAT } from './cursor-hooks-file.ts';
import type { HookConfigFormat, JsonProblem } from './hook-config-format.ts';
import { HooksInstallError } from './hooks-install-error.ts';
import { formatJsonPath, sameJson, type JsonObject } from './json-text.ts';

export const HOOK_CONFIG_FORMATS: Readonly<Record<Ide, HookConfigFormat>> = {
  claude: CLAUDE_SETTINGS_FORMAT,
  cursor: CURSOR_HOOKS_FORMAT,
};

export interface HookConfigFile {
  ide: Ide;
  format: HookConfigFormat;
  snapshot: JsonFileSnapshot;
  /** The parsed content, or the format's empty document when the file does not exist (or is empty). */
  document: JsonObject;
}

/** One line per problem: `hooks.foo[0].matcher: is not a valid regular expression (...). Fix ...`. */
export function describeProblems(problems: readonly JsonProblem[]): string {
  return problems.map((problem) => `  ${formatJsonPath(problem.path)}: ${problem.problem}. ${problem.fix}.`).join('\n');
}

/** Reads the IDE's file; throws (naming the file, the entries and the fix) when we must not merge into it. */
export function readHookConfigFile(ide: Ide, userHome: string): HookConfigFile {
  const format = HOOK_CONFIG_FORMATS[ide];
  const path = IDE_TARGETS[ide].configFile(userHome);
  const snapshot = readJsonObjectFile(path, format.parseHint === undefined ? {} : { parseHint: format.parseHint });
  const document = snapshot.value ?? format.emptyDocument();
  const problems = format.findProblems(document);
  if (problems.length > 0) {
    const lines = [`${path} has entries Blueplane cannot merge with:`, describeProblems(problems)];
    if (format.problemNote) lines.push(format.problemNote);
    lines.push('Fix the file and run the command again. Nothing was changed.');
    throw new HooksInstallError(lines.join('\n'), path);
  }
  return { ide, format, snapshot, document };
}

export interface PlannedConfigChange {
  file: HookConfigFile;
  next: JsonObject;
  /** False when the content would stay the same: then nothing is written at all. */
  changed: boolean;
}

export function planConfigChange(file: HookConfigFile, next: JsonObject): PlannedConfigChange {
  const problems = file.format.findProblems(next);
  if (problems.length > 0) {
    // Our own entries are built to pass; reaching this is a bug, and the file must stay as it was.
    throw new Error(`Blueplane built an invalid ${file.snapshot.path}; nothing was written:\n${describeProblems(problems)}`);
  }
  const exists = file.snapshot.value !== undefined;
  const changed = exists ? !sameJson(file.document, next) : !sameJson(file.format.emptyDocument(), next);
  return { file, next, changed };
}

export interface ConfigFileChange {
  path: string;
  /** True when the file was written. */
  changed: boolean;
  /** True when the file did not exist before. */
  created: boolean;
  /** Where the previous content was saved, when the file was written and existed before. */
  backupFile: string | undefined;
}

export function applyConfigChange(plan: PlannedConfigChange): ConfigFileChange {
  const { snapshot } = plan.file;
  const created = snapshot.bytes === undefined;
  if (!plan.changed) return { path: snapshot.path, changed: false, created: false, backupFile: undefined };
  const { backupFile } = writeJsonObjectFile(snapshot, plan.next, backupPath(snapshot.path));
  return { path: snapshot.path, changed: true, created, backupFile };
}
