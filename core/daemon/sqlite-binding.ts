// better-sqlite3, typed for the daemon's own small uses (the lock file, read-only counts while
// no daemon runs). The package ships no type declarations and this repository has none for it
// yet: @ts-ignore rather than @ts-expect-error, so adding declarations later breaks nothing.
// @ts-ignore
import BetterSqlite3 from 'better-sqlite3';

export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
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
