// `blueplane hooks status` as data: for each IDE, what is on disk (config entries, shim, runtime,
// hook copy, version) and what the user should do about it. Reads only; never throws for a broken
// file, it reports it.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { PRODUCT_VERSION } from '../version.ts';
import { readFileIfExists } from './atomic-file.ts';
import { readJsonObjectFile } from './atomic-json-file.ts';
import { describeProblems, HOOK_CONFIG_FORMATS } from './hook-config-file.ts';
import type { HookEntriesReport } from './hook-config-format.ts';
import { hookScriptPath, IDE_TARGETS, shimPath, type Ide } from './ide-targets.ts';
import { readShimInfo } from './shim.ts';

export interface ShimStatus {
  path: string;
  exists: boolean;
  executable: boolean;
  /** Its header says Blueplane wrote it for this IDE. */
  ours: boolean;
  /** Blueplane version that wrote it. */
  version: string | undefined;
  /** The runtime it execs, and whether that file still exists. */
  runtime: string | undefined;
  runtimeExists: boolean;
  /** The hook copy it runs, and whether that file exists. */
  hookScript: string;
  hookScriptExists: boolean;
}

export interface IdeHooksStatus {
  ide: Ide;
  name: string;
  /** The IDE's folder (~/.claude, ~/.cursor) exists. */
  detected: boolean;
  configFolder: string;
  configFile: { path: string; exists: boolean; problem: string | undefined };
  /** Our entries; undefined when the file could not be read. */
  hooks: HookEntriesReport | undefined;
  eventCount: number;
  shim: ShimStatus;
  installedVersion: string | undefined;
  cliVersion: string;
  /** Hooks are installed by this very version. */
  upToDate: boolean;
  /** Things that are wrong, each with what to run. Empty when all is well or nothing is installed. */
  problems: string[];
  /** What we deliberately do not register, and settings that switch hooks off. */
  notes: string[];
}

export interface HooksStatus {
  cliVersion: string;
  home: string;
  ides: Partial<Record<Ide, IdeHooksStatus>>;
}

export interface StatusOptions {
  ides: readonly Ide[];
  home: string;
  userHome: string;
  /** Defaults to this build's version. */
  version?: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function shimStatus(home: string, ide: Ide): ShimStatus {
  const path = shimPath(home, ide);
  const bytes = readFileIfExists(path);
  const info = bytes === undefined ? undefined : readShimInfo(bytes.toString('utf8'));
  const ours = info?.ide === ide;
  const hookScript = (ours ? info.hookScript : undefined) ?? hookScriptPath(home, ide);
  const runtime = ours ? info.runtime : undefined;
  return {
    path,
    exists: bytes !== undefined,
    executable: bytes !== undefined && isExecutable(path),
    ours,
    version: ours ? info.version : undefined,
    runtime,
    runtimeExists: runtime !== undefined && isExecutable(runtime),
    hookScript,
    hookScriptExists: existsSync(hookScript),
  };
}

function ideStatus(ide: Ide, options: StatusOptions, cliVersion: string): IdeHooksStatus {
  const target = IDE_TARGETS[ide];
  const format = HOOK_CONFIG_FORMATS[ide];
  const configPath = target.configFile(options.userHome);
  const shim = shimStatus(options.home, ide);
  const problems: string[] = [];
  const notes = [...format.notes];
  const reinstall = `run \`blueplane hooks install --${ide}\``;

  let exists = false;
  let problem: string | undefined;
  let hooks: HookEntriesReport | undefined;
  try {
    const snapshot = readJsonObjectFile(configPath);
    exists = snapshot.bytes !== undefined;
    const document = snapshot.value ?? format.emptyDocument();
    const fileProblems = format.findProblems(document);
    if (fileProblems.length > 0) problem = `${configPath} has entries that need fixing:\n${describeProblems(fileProblems)}`;
    hooks = format.inspect(document, shim.path);
    notes.push(...format.documentWarnings(document));
  } catch (error) {
    exists = existsSync(configPath);
    problem = (error as Error).message;
  }
  if (problem) problems.push(problem);

  const anyInstalled = hooks !== undefined && hooks.state !== 'none';
  if (hooks && hooks.state === 'some') {
    const behind = hooks.missing.length + hooks.outdated.length;
    problems.push(`${behind} of ${format.events.length} events are missing or point elsewhere (${[...hooks.missing, ...hooks.outdated].join(', ')}): ${reinstall}.`);
  }
  if (hooks && hooks.extra.length > 0) problems.push(`Blueplane entries remain on events it no longer registers (${hooks.extra.join(', ')}): ${reinstall} to remove them.`);
  if (anyInstalled || shim.exists) {
    if (!shim.exists) problems.push(`The shim ${shim.path} is missing: ${reinstall}.`);
    else if (!shim.ours) problems.push(`${shim.path} was not written by Blueplane: move it away and ${reinstall}.`);
    else {
      if (!shim.executable) problems.push(`The shim ${shim.path} is not executable: ${reinstall}.`);
      if (!shim.runtimeExists) problems.push(`The runtime named in the shim (${shim.runtime ?? 'unreadable'}) does not exist any more: ${reinstall} (add \`--node <path>\` to choose one).`);
      if (!shim.hookScriptExists) problems.push(`The hook copy ${shim.hookScript} is missing: ${reinstall}.`);
      if (shim.version !== cliVersion) problems.push(`The hooks were installed by Blueplane ${shim.version}; this is ${cliVersion}: ${reinstall} to update them.`);
    }
  }

  return {
    ide,
    name: target.displayName,
    detected: existsSync(target.configFolder(options.userHome)),
    configFolder: target.configFolder(options.userHome),
    configFile: { path: configPath, exists, problem },
    hooks,
    eventCount: format.events.length,
    shim,
    installedVersion: shim.version,
    cliVersion,
    upToDate: shim.ours && shim.version === cliVersion,
    problems,
    notes,
  };
}

export function hooksStatus(options: StatusOptions): HooksStatus {
  const cliVersion = options.version ?? PRODUCT_VERSION;
  const ides: Partial<Record<Ide, IdeHooksStatus>> = {};
  for (const ide of options.ides) ides[ide] = ideStatus(ide, options, cliVersion);
  return { cliVersion, home: options.home, ides };
}
