// better-sqlite3, typed for the daemon's own small uses: the lock file, read-only counts while no
// daemon runs, tests reading the database back. The package ships no type declarations; this
// module keeps its own narrow ones. @ts-ignore rather than @ts-expect-error, so declarations
// elsewhere in the repository (the storage layer's) change nothing here.
// @ts-ignore
import BetterSqlite3 from 'better-sqlite3';

export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): SqliteStatement;
  close(): unknown;
}

export interface SqliteOptions {
  /** Busy timeout, ms. */
  timeout?: number;
  readonly?: boolean;
  fileMustExist?: boolean;
}

export const SqliteDatabase = BetterSqlite3 as unknown as new (file: string, options?: SqliteOptions) => SqliteDatabase;

/** True for "another connection holds the lock". */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
