// A read-only view of telemetry.db, for readers that work beside the daemon (CLI commands, Layer 3).
// Opening read-only never creates, migrates or locks the file against the daemon (WAL readers do
// not block its writer).
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { telemetryDatabasePath } from '../daemon/ingest-pipeline.ts';

export class NoDatabaseError extends Error {}

export function openDatabaseReadOnly(home: string): SqliteDatabase {
  const path = telemetryDatabasePath(home);
  if (!existsSync(path)) {
    throw new NoDatabaseError(`no telemetry database at ${path} yet: start the daemon (\`blueplane start --detach\`) and install the hooks (\`blueplane hooks install\`)`);
  }
  return new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
}
