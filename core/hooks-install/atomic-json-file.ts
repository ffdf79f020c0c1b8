// Read-modify-write of a JSON config file that belongs to someone else (the user, the IDE).
// Reading refuses anything we could not rewrite faithfully (invalid JSON, not an object,
// duplicate keys) and never touches the file. Writing keeps a backup of the previous bytes next
// to the file, writes atomically, keeps the file's mode, and refuses if the file changed under us.
// Limits of a JSON.parse round trip, acceptable for config files: integer-like keys move to the
// front of their object, and numbers are written in their shortest form (1.0 becomes 1).
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateFolder } from '../data-folder.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts';
import { HooksInstallError } from './hooks-install-error.ts';
import { findDuplicateKey, formatJson, formatJsonPath, isJsonObject, type JsonObject } from './json-text.ts';

/** Mode of a config file we create: only the user reads it, like the IDE's own files. */
const NEW_FILE_MODE = 0o600;

export interface JsonFileSnapshot {
  /** The path as the user knows it. */
  path: string;
  /** Where the bytes really are (a dotfiles symlink is followed, not replaced by a plain file). */
  realPath: string;
  /** The bytes read, undefined when the file does not exist. */
  bytes: Buffer | undefined;
  mode: number | undefined;
  /** The parsed object; undefined when the file does not exist or holds only white space. */
  value: JsonObject | undefined;
}

export interface ReadJsonOptions {
  /** Added to the parse error message, e.g. why comments are not accepted. */
  parseHint?: string;
}

const AGAIN = 'and run the command again. Nothing was changed.';

export function readJsonObjectFile(path: string, options: ReadJsonOptions = {}): JsonFileSnapshot {
  const realPath = resolveRealPath(path);
  const bytes = readFileIfExists(realPath);
  if (bytes === undefined) return { path, realPath, bytes, mode: undefined, value: undefined };
  const mode = statSync(realPath).mode & 0o7777;
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // An empty file (e.g. made by `touch`) holds nothing to lose: treat it like a missing one.
  if (text.trim() === '') return { path, realPath, bytes, mode, value: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const hint = options.parseHint ? ` ${options.parseHint}` : '';
    throw new HooksInstallError(
      `${path} is not valid JSON (${(error as Error).message}).${hint} Blueplane never overwrites a file it cannot read: fix the file (or move it away) ${AGAIN}`,
      path,
    );
  }
  if (!isJsonObject(parsed)) {
    throw new HooksInstallError(`${path} must hold a JSON object ({...}) at the top level. Fix the file (or move it away) ${AGAIN}`, path);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    throw new HooksInstallError(
      `${path} has the key ${formatJsonPath(duplicate)} twice in one object; only the last one counts, and rewriting the file would drop the first. Merge the two into one ${AGAIN}`,
      path,
    );
  }
  return { path, realPath, bytes, mode, value: parsed };
}

function resolveRealPath(path: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    // Neither the file nor a link exists: it will be created.
  }
  if (isLink) throw new HooksInstallError(`${path} is a symbolic link to a file that does not exist. Create the target or remove the link, ${AGAIN}`, path);
  return path;
}

export interface JsonWriteResult {
  /** The backup written before the change, if the file existed. */
  backupFile: string | undefined;
}

/**
 * Writes `next` over the file read as `snapshot`, keeping the previous bytes in `backupFile`.
 * The caller decides whether anything changed; this always writes.
 */
export function writeJsonObjectFile(snapshot: JsonFileSnapshot, next: JsonObject, backupFile: string): JsonWriteResult {
  ensurePrivateFolder(dirname(snapshot.realPath));
  // Claude Code and Cursor rewrite these files themselves; if one did since we read it, our merge
  // is based on stale content and would undo its change.
  const current = readFileIfExists(snapshot.realPath);
  const unchanged = current === undefined ? snapshot.bytes === undefined : snapshot.bytes !== undefined && current.equals(snapshot.bytes);
  if (!unchanged) {
    throw new HooksInstallError(`${snapshot.path} changed while Blueplane was updating it. Nothing was written by Blueplane; run the command again.`, snapshot.path);
  }
  let written: string | undefined;
  if (snapshot.bytes !== undefined) {
    writeFileAtomic(backupFile, snapshot.bytes, snapshot.mode ?? NEW_FILE_MODE);
    written = backupFile;
  }
  writeFileAtomic(snapshot.realPath, formatJson(next), snapshot.mode ?? NEW_FILE_MODE);
  return { backupFile: written };
}
