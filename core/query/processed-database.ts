// Layer 3's only way into telemetry.db (the API, the CLI's reading commands, exports, the MCP
// server): a read-only connection that prepares a statement only when every table it names is
// processed data. raw_traces (sanitized, but event by event) and session_mappings stay the
// engine's; a reader that names them, or names a table this list does not know, fails at prepare
// time, before any row is read. Writes are refused twice: the connection is read-only and the
// statement must be a SELECT.
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { openDatabaseReadOnly } from '../storage/read-only-database.ts';

/** The tables Layer 3 may read. */
export const PROCESSED_TABLES: ReadonlySet<string> = new Set(['conversations', 'conversation_turns', 'code_changes', 'session_metrics', 'insights']);

export class IsolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IsolationError';
  }
}

/** Table names a statement reads: every identifier after FROM or JOIN (comma lists included). */
export function tablesNamed(sql: string): string[] {
  const names: string[] = [];
  const withoutStrings = sql.replace(/'(?:[^']|'')*'/g, "''");
  for (const match of withoutStrings.matchAll(/\b(?:FROM|JOIN)\s+([^;()]+?)(?=\s+(?:WHERE|GROUP|ORDER|LIMIT|ON|USING|LEFT|RIGHT|INNER|CROSS|OUTER|JOIN|NATURAL|UNION|HAVING|WINDOW)\b|\)|;|$)/gis)) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().split(/\s+/)[0]?.replace(/["`[\]]/g, '');
      if (name) names.push(name.toLowerCase());
    }
  }
  return names;
}

export function assertProcessedOnly(sql: string): void {
  if (!/^\s*(?:SELECT|WITH)\b/i.test(sql)) throw new IsolationError(`Layer 3 only reads; refused: ${sql.trim().split(/\s+/)[0]}`);
  const tables = tablesNamed(sql);
  if (tables.length === 0) throw new IsolationError('a Layer 3 query must name the processed tables it reads');
  const refused = tables.filter((table) => !PROCESSED_TABLES.has(table));
  if (refused.length > 0) throw new IsolationError(`Layer 3 reads processed data only; refused table ${refused.join(', ')}`);
}

export class ProcessedDatabase {
  private readonly db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.db = db;
  }

  /** Opens the data folder's telemetry.db read-only (never creates, migrates or locks it against the daemon). */
  static open(home: string): ProcessedDatabase {
    return new ProcessedDatabase(openDatabaseReadOnly(home));
  }

  /** Prepares a SELECT over processed tables; throws IsolationError for anything else. */
  prepare<Row = unknown>(sql: string): Statement<Row> {
    assertProcessedOnly(sql);
    return this.db.prepare<Row>(sql);
  }

  /** Runs `read` in one read transaction, so several statements see one snapshot of the database. */
  snapshot<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  close(): void {
    this.db.close();
  }
}
