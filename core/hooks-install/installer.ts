// `blueplane hooks install` / `uninstall` as a library (the CLI and the VS Code extension call it).
// Install, per IDE: copy the built hook bundle to $BLUEPLANE_HOME/bin, write the shim next to it,
// then merge our entries into the IDE's config file. Every config file is read and checked before
// anything is written, so a refused file leaves the other IDE untouched too. The config is written
// last on install and first on uninstall: an IDE never names a shim that is not there.
import { readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ensurePrivateFolder } from '../data-folder.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts';
import { applyConfigChange, planConfigChange, readHookConfigFile, type ConfigFileChange } from './hook-config-file.ts';
import type { HookRuntime } from './hook-runtime.ts';
import { HooksInstallError } from './hooks-install-error.ts';
import { binFolder, hookScriptPath, IDE_TARGETS, shimPath, type Ide } from './ide-targets.ts';
import { readShimInfo, renderShim } from './shim.ts';

const SHIM_MODE = 0o755;
const HOOK_SCRIPT_MODE = 0o644;

export interface InstallOptions {
  ides: readonly Ide[];
  /** BLUEPLANE_HOME, absolute. */
  home: string;
  /** The user's home folder, holding .claude/ and .cursor/. */
  userHome: string;
  /** Folder with the built hook bundles claude.js and cursor.js (dist/hooks). */
  hookBundleDir: string;
  runtime: HookRuntime;
  /** Written into the shims as defaults, when the installer was given them. */
  redisUrl?: string | undefined;
  redisPrefix?: string | undefined;
  /** Recorded in the shim header; defaults to this build's version. */
  version?: string;
}

export interface IdeInstallResult {
  ide: Ide;
  configFile: ConfigFileChange;
  shim: string;
  hookScript: string;
  runtime: HookRuntime;
  events: readonly string[];
}

export interface UninstallOptions {
  ides: readonly Ide[];
  home: string;
  userHome: string;
}

export interface IdeUninstallResult {
  ide: Ide;
  configFile: ConfigFileChange;
  /** Files of ours removed from $BLUEPLANE_HOME/bin. */
  removed: string[];
  /** Files at our paths left alone because we did not write them. */
  keptForeign: string[];
}

function checkPlatform(): void {
  // The shims are /bin/sh scripts; Windows would need .cmd shims and another quoting.
  if (process.platform === 'win32') throw new HooksInstallError('Installing hooks on Windows is not supported yet.');
}

function checkHome(home: string): void {
  if (!isAbsolute(home)) throw new Error(`the Blueplane home must be an absolute path, not ${home}`);
  // The home goes into shell words and JSON command strings; a control character there is never intended.
  if (/[\u0000-\u001f\u007f]/.test(home)) throw new HooksInstallError(`The Blueplane home ${JSON.stringify(home)} contains a control character; set BLUEPLANE_HOME to a plain path.`);
}

/** Writes the file only when its bytes or mode differ, so a repeated install touches nothing. */
function writeIfDifferent(path: string, data: Buffer, mode: number): void {
  const current = readFileIfExists(path);
  if (current?.equals(data) && (statSync(path).mode & 0o7777) === mode) return;
  writeFileAtomic(path, data, mode);
}

/**
 * Runs `plan` for every IDE before anything is written. When files are refused, all the refusals
 * are reported together, so the user fixes both files in one go.
 */
function planEach<T>(ides: readonly Ide[], plan: (ide: Ide) => T): T[] {
  const plans: T[] = [];
  const refusals: HooksInstallError[] = [];
  for (const ide of ides) {
    try {
      plans.push(plan(ide));
    } catch (error) {
      if (!(error instanceof HooksInstallError)) throw error;
      refusals.push(error);
    }
  }
  if (refusals.length === 1) throw refusals[0];
  if (refusals.length > 1) throw new HooksInstallError(refusals.map((error) => error.message).join('\n\n'), refusals[0]!.file);
  return plans;
}

export function installHooks(options: InstallOptions): IdeInstallResult[] {
  checkPlatform();
  checkHome(options.home);
  const version = options.version ?? PRODUCT_VERSION;
  const plans = planEach(options.ides, (ide) => {
    const target = IDE_TARGETS[ide];
    const bundle = join(options.hookBundleDir, target.bundleFileName);
    let bundleBytes: Buffer;
    try {
      bundleBytes = readFileSync(bundle);
    } catch (error) {
      throw new HooksInstallError(`Cannot read the ${target.displayName} hook bundle ${bundle} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Build it with \`npm run build\`, or reinstall Blueplane.`, bundle);
    }
    const shim = shimPath(options.home, ide);
    const file = readHookConfigFile(ide, options.userHome);
    const plan = planConfigChange(file, file.format.withHooks(file.document, shim));
    return { ide, bundleBytes, shim, plan };
  });

  ensurePrivateFolder(options.home);
  ensurePrivateFolder(binFolder(options.home));
  return plans.map(({ ide, bundleBytes, shim, plan }) => {
    const hookScript = hookScriptPath(options.home, ide);
    writeIfDifferent(hookScript, bundleBytes, HOOK_SCRIPT_MODE);
    const shimText = renderShim({
      ide,
      version,
      home: options.home,
      runtime: options.runtime,
      hookScript,
      redisUrl: options.redisUrl,
      redisPrefix: options.redisPrefix,
    });
    writeIfDifferent(shim, Buffer.from(shimText), SHIM_MODE);
    const configFile = applyConfigChange(plan);
    return { ide, configFile, shim, hookScript, runtime: options.runtime, events: plan.file.format.events };
  });
}

export function uninstallHooks(options: UninstallOptions): IdeUninstallResult[] {
  const plans = planEach(options.ides, (ide) => {
    const file = readHookConfigFile(ide, options.userHome);
    return { ide, plan: planConfigChange(file, file.format.withoutHooks(file.document)) };
  });
  const results = plans.map(({ ide, plan }) => {
    const configFile = applyConfigChange(plan);
    const removed: string[] = [];
    const keptForeign: string[] = [];
    const shim = shimPath(options.home, ide);
    const shimBytes = readFileIfExists(shim);
    if (shimBytes !== undefined) {
      if (readShimInfo(shimBytes.toString('utf8'))?.ide === ide) {
        rmSync(shim, { force: true });
        removed.push(shim);
      } else {
        keptForeign.push(shim);
      }
    }
    // The bundle copy's name is ours alone inside our own data folder.
    const hookScript = hookScriptPath(options.home, ide);
    if (readFileIfExists(hookScript) !== undefined) {
      rmSync(hookScript, { force: true });
      removed.push(hookScript);
    }
    return { ide, configFile, removed, keptForeign };
  });
  try {
    rmdirSync(binFolder(options.home));
  } catch {
    // Not empty (the other IDE's files, or someone else's) or not there: leave it.
  }
  return results;
}
