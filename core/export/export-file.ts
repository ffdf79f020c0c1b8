// An export written to disk for the CLI: into a temporary file beside the target (mode 0600: an
// export is the user's private data), renamed over it only once complete, so a reader never sees
// half a file and a failed export leaves nothing behind. An existing file is kept unless `force`;
// nothing is ever written inside the data folder (the database, its WAL, the secret live there).
// A folder target takes one file per table (sessions, turns, changes, insights), sharing one
// anonymizer so their ids still join.
import { createWriteStream, existsSync, mkdirSync, realpathSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ProcessedDatabase } from '../query/processed-database.ts';
import { TABLE_NAMES, type TableName } from './export-tables.ts';
import { idMapperFor, writeExport, type ExportOptions, type ExportSummary } from './write-export.ts';

/** Something about the output path to fix; the message says what. */
export class ExportTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportTargetError';
  }
}

export interface FileTarget {
  /** A file, or (CSV and Parquet) a folder: an existing one, or a path ending in '/'. */
  path: string;
  cwd: string;
  /** Replace existing files. */
  force: boolean;
  /** The data folder, which an export never writes into. */
  home: string;
}

export interface FileExportSummary {
  files: Array<ExportSummary & { path: string }>;
}

const EXTENSIONS: Record<ExportOptions['format'], string> = { json: 'json', csv: 'csv', parquet: 'parquet' };

/** The real path of `path`, or of its nearest existing parent with the rest appended (for a file not written yet). */
function realish(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  return join(realpathSync(existing), ...rest);
}

function inside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

export function isFolderTarget(target: FileTarget): boolean {
  const path = resolve(target.cwd, target.path);
  return target.path.endsWith('/') || target.path.endsWith(sep) || (existsSync(path) && statSync(path).isDirectory());
}

/** The files an export would write, checked: outside the data folder, not existing unless forced. */
export function plannedFiles(options: ExportOptions, target: FileTarget): Array<{ path: string; table: TableName | undefined }> {
  const path = resolve(target.cwd, target.path);
  let files: Array<{ path: string; table: TableName | undefined }>;
  if (isFolderTarget(target)) {
    if (options.format === 'json') throw new ExportTargetError(`${target.path} is a folder; a JSON export is one document: name a file, e.g. -o blueplane-export.json`);
    const tables = options.table ? [options.table] : TABLE_NAMES;
    files = tables.map((table) => ({ path: join(path, `${table}.${EXTENSIONS[options.format]}`), table }));
  } else {
    files = [{ path, table: options.table }];
  }
  const home = realish(resolve(target.home));
  for (const file of files) {
    if (inside(realish(file.path), home)) throw new ExportTargetError(`${file.path} is inside Blueplane's data folder (${target.home}); write the export somewhere else`);
    if (existsSync(file.path)) {
      if (statSync(file.path).isDirectory()) throw new ExportTargetError(`${file.path} is a folder; name a file, or end the path with / for one file per table`);
      if (!target.force) throw new ExportTargetError(`${file.path} already exists; choose another name or add --force to replace it`);
    }
  }
  return files;
}

async function writeOneFile(db: ProcessedDatabase, options: ExportOptions, path: string): Promise<ExportSummary> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const output = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
  try {
    const summary = await writeExport(db, options, output);
    output.end();
    await finished(output);
    renameSync(temporary, path);
    return summary;
  } catch (error) {
    output.destroy();
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already gone
    }
    throw error;
  }
}

export async function exportToFiles(db: ProcessedDatabase, options: ExportOptions, target: FileTarget): Promise<FileExportSummary> {
  const files = plannedFiles(options, target);
  if (isFolderTarget(target)) mkdirSync(resolve(target.cwd, target.path), { recursive: true, mode: 0o700 });
  const ids = options.ids ?? idMapperFor(options.anonymize);
  const summary: FileExportSummary = { files: [] };
  for (const file of files) {
    const written = await writeOneFile(db, { ...options, ids, ...(file.table ? { table: file.table } : {}) }, file.path);
    summary.files.push({ ...written, path: file.path });
  }
  return summary;
}
