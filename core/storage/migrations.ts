// Numbered schema migrations for telemetry.db. Each runs once, in its own transaction, and is
// recorded in schema_migrations; opening an up-to-date database runs nothing. A later issue's
// tables (conversations, conversation_turns, code_changes, runs) are new entries at the end of
// MIGRATIONS: never edit one that has shipped.
import type { Database } from 'better-sqlite3';
import type { Log } from '../log.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'raw_traces and session_mappings',
    // raw_traces: the seed's table (blueplane-architecture.md, Database architecture) plus
    // project_hash and codec; timestamps are ISO-8601 UTC text, so they sort and date() reads them.
    // session_mappings: the IDE's session id, per platform and project, to our own UUIDv7. A
    // missing project hash is '' rather than NULL so that it still takes part in the unique key.
    sql: `
      CREATE TABLE raw_traces (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        event_id TEXT NOT NULL UNIQUE,
        session_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        platform TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        workspace_hash TEXT,
        project_hash TEXT,
        model TEXT,
        tool_name TEXT,
        duration_ms INTEGER,
        tokens_used INTEGER,
        lines_added INTEGER,
        lines_removed INTEGER,
        codec INTEGER NOT NULL,
        event_data BLOB NOT NULL,
        event_date TEXT GENERATED ALWAYS AS (date(timestamp)) VIRTUAL,
        event_hour INTEGER GENERATED ALWAYS AS (CAST(strftime('%H', timestamp) AS INTEGER)) VIRTUAL
      );
      CREATE INDEX idx_raw_session_time ON raw_traces(session_id, timestamp);
      CREATE INDEX idx_raw_event_type ON raw_traces(event_type, timestamp);
      CREATE INDEX idx_raw_date_hour ON raw_traces(event_date, event_hour);

      CREATE TABLE session_mappings (
        session_uuid TEXT PRIMARY KEY,
        external_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        project_hash TEXT NOT NULL DEFAULT '',
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        event_count INTEGER NOT NULL,
        UNIQUE (external_id, platform, project_hash)
      );
    `,
  },
];

export class SchemaTooNewError extends Error {}

/** Brings the database to the newest schema this build knows. Returns the versions it applied. */
export function applyMigrations(db: Database, log: Log, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const applied = new Set(db.prepare<{ version: number }>('SELECT version FROM schema_migrations').all().map((row) => row.version));
  const newest = migrations.at(-1)?.version ?? 0;
  const unknown = [...applied].filter((version) => version > newest);
  if (unknown.length > 0) {
    throw new SchemaTooNewError(`${db.name} has schema version ${Math.max(...unknown)}, newer than this Blueplane knows (${newest}); update Blueplane`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
    }).immediate();
    log.info('schema_migrated', { version: migration.version, name: migration.name });
    done.push(migration.version);
  }
  return done;
}
