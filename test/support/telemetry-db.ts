// Rows of telemetry.db as a test reads them back, through its own read-only connection (what the
// CLI and the slow path will see, not the writer's view).
import Database from 'better-sqlite3';

export interface RawTraceRow {
  sequence: number;
  ingested_at: string;
  event_id: string;
  session_id: string;
  event_type: string;
  platform: string;
  timestamp: string;
  workspace_hash: string | null;
  project_hash: string | null;
  model: string | null;
  tool_name: string | null;
  duration_ms: number | null;
  tokens_used: number | null;
  lines_added: number | null;
  lines_removed: number | null;
  codec: number;
  event_data: Buffer;
  event_date: string;
  event_hour: number;
}

export interface SessionMappingRow {
  session_uuid: string;
  external_id: string;
  platform: string;
  project_hash: string;
  first_seen: string;
  last_seen: string;
  event_count: number;
}

/** One query on a fresh read-only connection. */
export function queryDatabase<Row>(file: string, sql: string): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<Row>(sql).all();
  } finally {
    db.close();
  }
}
