// The one-daemon-per-home lock: an OS lock the kernel drops when the process dies, so a crash
// (kill -9, OOM, power loss) leaves nothing to clean up and there is no "check, then act" window.
//
// Node has no flock(2), but SQLite takes POSIX fcntl() locks on its database file. A connection
// in `locking_mode=EXCLUSIVE` that has written once keeps its EXCLUSIVE lock until it is closed,
// which for us means until the process exits. A second daemon's write then fails with
// SQLITE_BUSY: acquiring is a single atomic kernel operation. The lock file is a separate tiny
// database (not telemetry.db), so readers of telemetry.db (status, export) are never blocked.
//
// fcntl locks belong to the process, not the descriptor, and are not inherited across fork:
// the managed redis-server the daemon spawns does not hold the lock, and closing another
// descriptor on this file in the same process would drop it (SQLite guards against that for its
// own connections; nothing else in the daemon opens this file).
import { chmodSync } from 'node:fs';
import { SqliteDatabase, isSqliteBusy } from './sqlite-binding.ts';

/**
 * How long an acquire waits for a lock held only briefly. `isDaemonLockHeld` (used by stop and
 * status) takes a shared lock for a moment; a daemon starting at that instant must not mistake it
 * for a running daemon. A real owner holds the lock for its whole life, so waiting longer than
 * a probe's read changes nothing else.
 */
export const LOCK_BUSY_TIMEOUT_MS = 750;

export interface DaemonLock {
  /** Drops the lock (closing the connection releases the fcntl lock). Idempotent. */
  release(): void;
}

/** Takes the lock, or returns undefined when another live process holds it. Other errors throw. */
export function acquireDaemonLock(file: string, busyTimeoutMs: number = LOCK_BUSY_TIMEOUT_MS): DaemonLock | undefined {
  const db = new SqliteDatabase(file, { timeout: busyTimeoutMs });
  try {
    chmodSync(file, 0o600);
    // Journal in memory, not in a file next to the lock: the one row below is all this database
    // holds, and better-sqlite3's defensive mode refuses journal_mode=OFF.
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS daemon_owner (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, locked_at TEXT NOT NULL)');
    // This write is what takes (and, in EXCLUSIVE mode, keeps) the EXCLUSIVE lock.
    db.prepare('INSERT OR REPLACE INTO daemon_owner (id, pid, locked_at) VALUES (1, ?, ?)').run(process.pid, new Date().toISOString());
  } catch (error) {
    db.close();
    if (isSqliteBusy(error)) return undefined;
    throw error;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

/**
 * True when a live process holds the lock. Reads with a shared lock and no wait, so it only
 * ever blocks a starting daemon for an instant (see LOCK_BUSY_TIMEOUT_MS); never creates the file.
 */
export function isDaemonLockHeld(file: string): boolean {
  let db: SqliteDatabase;
  try {
    db = new SqliteDatabase(file, { timeout: 0, readonly: true, fileMustExist: true });
  } catch (error) {
    if (isSqliteBusy(error)) return true;
    return false;
  }
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (error) {
    if (isSqliteBusy(error)) return true;
    throw error;
  } finally {
    db.close();
  }
}
