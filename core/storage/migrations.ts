// Numbered schema migrations for telemetry.db. Each runs once, in its own transaction, and is
// recorded in schema_migrations; opening an up-to-date database runs nothing. New tables (runs, …)
// are new entries at the end of MIGRATIONS: never edit one that has shipped.
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
  {
    version: 2,
    name: 'conversations, conversation_turns and code_changes',
    // The seed's conversation tables (blueplane-architecture.md, Conversation storage) plus what the
    // slow path knows beyond them: times, tokens, cost, tool counts, outcomes. Written by the
    // conversations worker, which rebuilds a session's rows whole each time the session changes, so
    // each table is keyed to make that a delete and an insert in one transaction. Processed data:
    // Layer 3 reads these tables, never raw_traces. Hashes are keyed HMACs; no text is stored.
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        project_hash TEXT,
        workspace_hash TEXT,
        created_at TEXT,
        updated_at TEXT,
        ended_at TEXT,
        end_reason TEXT,
        interaction_count INTEGER NOT NULL DEFAULT 0,
        turn_count INTEGER NOT NULL DEFAULT 0,
        tool_call_count INTEGER NOT NULL DEFAULT 0,
        tool_error_count INTEGER NOT NULL DEFAULT 0,
        acceptance_rate REAL,
        total_lines_added INTEGER NOT NULL DEFAULT 0,
        total_lines_removed INTEGER NOT NULL DEFAULT 0,
        total_tokens INTEGER,
        cost_usd REAL,
        UNIQUE (platform, session_id)
      );
      CREATE INDEX idx_conversations_updated ON conversations(updated_at);
      CREATE INDEX idx_conversations_project ON conversations(project_hash, updated_at);

      CREATE TABLE conversation_turns (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        turn_number INTEGER NOT NULL,
        turn_type TEXT NOT NULL,
        content_hash TEXT,
        started_at TEXT,
        ended_at TEXT,
        prompt_chars INTEGER,
        prompt_words INTEGER,
        tokens_used INTEGER,
        latency_ms INTEGER,
        tool_calls INTEGER NOT NULL DEFAULT 0,
        tool_errors INTEGER NOT NULL DEFAULT 0,
        lines_added INTEGER NOT NULL DEFAULT 0,
        lines_removed INTEGER NOT NULL DEFAULT 0,
        model TEXT,
        UNIQUE (conversation_id, turn_number)
      );

      CREATE TABLE code_changes (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        turn_id TEXT REFERENCES conversation_turns(id) ON DELETE CASCADE,
        tool TEXT,
        file_extension TEXT,
        file_hash TEXT,
        operation TEXT,
        lines_added INTEGER,
        lines_removed INTEGER,
        accepted BOOLEAN,
        outcome TEXT,
        rejection TEXT,
        acceptance_delay_ms INTEGER,
        reverted BOOLEAN,
        created_at TEXT
      );
      CREATE INDEX idx_code_changes_conversation ON code_changes(conversation_id, created_at);
    `,
  },
  {
    version: 3,
    name: 'insights',
    // Findings of the insights worker: one row per source, rule, subject and scope, updated while the
    // finding holds (last_detected_at, evidence) and marked resolved when it no longer does. subject
    // is the tool a per-tool rule is about ('' otherwise), so two tools' findings are two rows. The
    // unique key starts with the scope: recording a scope reads its open findings through it.
    // evidence is JSON of numbers only (rates, counts, baselines); title is built from a template,
    // never from content.
    sql: `
      CREATE TABLE insights (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        severity TEXT NOT NULL,
        scope TEXT NOT NULL,
        scope_key TEXT NOT NULL,
        title TEXT NOT NULL,
        evidence TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'rules',
        first_detected_at TEXT NOT NULL,
        last_detected_at TEXT NOT NULL,
        resolved_at TEXT,
        UNIQUE (scope, scope_key, source, rule, subject)
      );
      CREATE INDEX idx_insights_detected ON insights(last_detected_at);
    `,
  },
  {
    version: 4,
    name: 'session_metrics',
    // Every metric of one session (the engine's SessionMetrics without its tally, as JSON), kept
    // with its conversation: processed data the API, exports and the MCP server read for sessions
    // of any age, also those no longer tracked in Redis (30 days).
    sql: `
      CREATE TABLE session_metrics (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        metrics TEXT NOT NULL
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
