// better-sqlite3 typed for reading someone else's database: read-only, must exist, short busy
// timeout. The package ships no type declarations and this repository has none yet: @ts-ignore
// rather than @ts-expect-error, so adding declarations later breaks nothing.
//
// Why not `immutable=1`: SQLite then takes no locks and ignores the WAL, which is only safe for a
// file nobody writes; Cursor writes state.vscdb while it runs, so an immutable read can see a torn
// page or miss committed rows. (better-sqlite3 opens without URI support anyway.) What a plain
// read-only open does, measured with this build (SQLite 3.54): it never writes the database file,
// never checkpoints or deletes a WAL left by a crashed writer; on a database in WAL mode whose
// -wal/-shm are absent it creates an empty -wal and a 32 KiB -shm beside it, and it writes the -shm
// (the shared-memory WAL index every reader of a WAL database maintains), as any SQLite reader
// does; the database and WAL bytes stay as they were. VS Code's storage (and so Cursor's) sets no journal mode, which means a
// rollback journal: there the reader creates nothing.
// @ts-ignore
import BetterSqlite3 from 'better-sqlite3';

export interface ReadOnlyStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  raw(toggle?: boolean): ReadOnlyStatement;
}

export interface ReadOnlyDatabase {
  readonly inTransaction: boolean;
  prepare(source: string): ReadOnlyStatement;
  exec(source: string): unknown;
  close(): unknown;
}

interface OpenOptions {
  readonly: true;
  fileMustExist: true;
  /** Busy timeout, ms: how long a read waits for another connection's write lock. */
  timeout: number;
}

const Database = BetterSqlite3 as unknown as new (file: string, options: OpenOptions) => ReadOnlyDatabase;

/** Busy timeout: short, because better-sqlite3 waits synchronously and the daemon must not stall. */
export const READ_BUSY_TIMEOUT_MS = 20;

export function openReadOnly(path: string, busyTimeoutMs: number = READ_BUSY_TIMEOUT_MS): ReadOnlyDatabase {
  return new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
}

/** The SQLite error code of a failure (SQLITE_BUSY, SQLITE_CORRUPT, ...), or a Node errno code. */
export function sqliteErrorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown';
}

/** True for "another connection holds the lock": try again later. */
export function isBusy(error: unknown): boolean {
  const code = sqliteErrorCode(error);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}
