// Cursor state.vscdb files for tests, built from ../shared/fixtures/cursor-vscdb-samples.jsonl:
// the fixture's ItemTable and cursorDiskKV rows in real SQLite files laid out like a Cursor User
// folder (globalStorage, workspaceStorage/<id> with its workspace.json).
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './fixtures.ts';

const require = createRequire(import.meta.url);
export const BETTER_SQLITE3 = require.resolve('better-sqlite3');
// @ts-ignore better-sqlite3 ships no type declarations
export const Database = require('better-sqlite3') as new (path: string) => { exec(sql: string): void; prepare(sql: string): { run(...args: unknown[]): void }; pragma(sql: string): unknown; close(): void };

export interface Sample {
  key: string;
  value: unknown;
  _table: 'ItemTable' | 'cursorDiskKV';
  _db: string;
}

export const SAMPLES: Sample[] = readFileSync(join(FIXTURES_DIR, 'cursor-vscdb-samples.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Sample);

export function valueBytes(value: unknown): Buffer {
  // Values are UTF-8 JSON text stored as BLOBs; some are bare strings (reference/cursor.md §8.2).
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

export function createStateDb(path: string, rows: Array<{ table: string; key: string; value: Buffer | null }>, journal: 'delete' | 'wal' = 'delete'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const db = new Database(path);
  if (journal === 'wal') db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB); CREATE TABLE IF NOT EXISTS cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);');
  for (const row of rows) db.prepare(`INSERT INTO ${row.table} VALUES (?, ?)`).run(row.key, row.value);
  db.close();
}

export const WORKSPACE_FOLDERS = ['file:///home/user/code/cocursor', 'file:///d%3A/code/wecode', 'file:///Users/someone/projects/app'];

/**
 * A Cursor User folder from the fixture: global rows into globalStorage/state.vscdb; workspace rows
 * into workspaceStorage/ws<n>/state.vscdb, where n is how many earlier samples had the same key
 * (keys are UNIQUE, and several samples share one), each with a workspace.json.
 */
export function buildUserDir(root: string): string {
  const userDir = join(root, 'Cursor', 'User');
  const global = SAMPLES.filter((sample) => sample._db.startsWith('globalStorage'));
  createStateDb(join(userDir, 'globalStorage', 'state.vscdb'), global.map((sample) => ({ table: sample._table, key: sample.key, value: valueBytes(sample.value) })));
  const seen = new Map<string, number>();
  const workspaces: Array<Array<{ table: string; key: string; value: Buffer }>> = [];
  for (const sample of SAMPLES.filter((candidate) => candidate._db.startsWith('workspaceStorage'))) {
    const index = seen.get(sample.key) ?? 0;
    seen.set(sample.key, index + 1);
    (workspaces[index] ??= []).push({ table: sample._table, key: sample.key, value: valueBytes(sample.value) });
  }
  workspaces.forEach((rows, index) => {
    const folder = join(userDir, 'workspaceStorage', `ws${index}`);
    createStateDb(join(folder, 'state.vscdb'), rows);
    writeFileSync(join(folder, 'workspace.json'), JSON.stringify({ folder: WORKSPACE_FOLDERS[index] }));
  });
  return userDir;
}

