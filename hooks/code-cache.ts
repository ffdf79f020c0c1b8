// Runs the hook bundle through a V8 code cache kept in the data folder. A hook is a new process
// for every IDE event, so without one V8 parses the whole bundle and compiles each function on
// its first call, every time: about a quarter of what a hook adds to a bare Node start
// (callgrind: 11.5 M of 42 M instructions). The file the IDE runs is this small loader with the
// bundle inside as a string (still one file); vm.Script takes the cache on any Node >= 18.
//
// The cache is written once per bundle and Node version, after a run, so it also holds the
// functions that run compiled lazily. V8 checks the cache's version and flags but not the text,
// so the file name carries a hash of the bundle; a rejected or missing cache just means one run
// compiles as before. The cache is code, so it lives in the private data folder (0700), next to
// the hook copies that are themselves code.
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { resolveHome } from '../core/config.ts';

export const CACHE_FOLDER = 'cache';

/** `<id>-<node version>-<arch>.v8`; `id` is `<hook>-<hash of the bundle>`. */
export function cacheFileName(id: string): string {
  return `${id}-${process.version}-${process.arch}.v8`;
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically (concurrent hooks never read half a file) and drops other builds' caches of this hook. */
function saveCache(script: Script, folder: string, id: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const path = join(folder, cacheFileName(id));
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, path);
    const hook = id.slice(0, id.lastIndexOf('-') + 1);
    for (const name of readdirSync(folder)) {
      if (name.startsWith(hook) && !name.startsWith(`${id}-`)) unlinkSync(join(folder, name));
    }
  } catch {
    // No cache this time; the next run tries again. A hook never fails over its cache.
  }
}

/**
 * Compiles and runs `source` (a CommonJS bundle that needs only `require`) with the cached code
 * when there is a valid cache, and writes one at exit when there is not.
 */
export function runWithCodeCache(source: string, id: string): void {
  const folder = join(resolveHome(process.env), CACHE_FOLDER);
  const cachedData = readCache(join(folder, cacheFileName(id)));
  const script = new Script(`(function (require) {${source}\n})`, { filename: __filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => saveCache(script, folder, id));
  (script.runInThisContext() as (load: NodeJS.Require) => void)(require);
}
