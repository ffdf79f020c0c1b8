// Deleting everything Blueplane stored, for `blueplane purge`: every row of every data table in one
// transaction, then a checkpoint that empties the WAL and a VACUUM that rewrites the file, so the
// deleted bytes are gone from disk rather than left in free pages. Runs on a database no daemon
// has open (the purge command stops it first). The schema, the install secret and the monitors'
// read positions stay: purged history is not read back in from old transcripts.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { DATABASE_FILE } from './telemetry-store.ts';
import { join } from 'node:path';

/** Children before parents (foreign keys). */
export const PURGED_TABLES = ['code_changes', 'conversation_turns', 'session_metrics', 'conversations', 'insights', 'session_mappings', 'raw_traces'] as const;

export type PurgedRows = Record<(typeof PURGED_TABLES)[number], number>;

export function purgeDatabase(home: string): PurgedRows | undefined {
  const path = join(home, DATABASE_FILE);
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { fileMustExist: true, timeout: 5000 });
  try {
    const present = new Set(db.prepare<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name));
    const deleted = {} as PurgedRows;
    db.transaction(() => {
      for (const table of PURGED_TABLES) deleted[table] = present.has(table) ? db.prepare(`DELETE FROM ${table}`).run().changes : 0;
    }).immediate();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return deleted;
  } finally {
    db.close();
  }
}
