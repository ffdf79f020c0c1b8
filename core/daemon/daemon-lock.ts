// The one-daemon-per-home lock: an OS lock the kernel drops when the process dies, so a crash
// (kill -9, OOM, power loss) leaves nothing to clean up and there is no "check, then act" window.
//
// Node has no flock(2), but SQLite takes POSIX fcntl() locks on its database file. The daemon
// opens a tiny database of its own (not telemetry.db, so readers of that are never blocked) and
// runs `BEGIN EXCLUSIVE`, leaving the transaction open for the rest of its life: the EXCLUSIVE
// lock is held until the connection closes or the process dies. Acquiring is one atomic kernel
// operation; a second daemon gets SQLITE_BUSY.
//
// Why not `PRAGMA locking_mode=EXCLUSIVE` plus a write: in that mode a connection keeps every
// lock it took, including the SHARED lock of a failed attempt. Two daemons starting together
// then each hold SHARED while waiting to upgrade, and both give up when the busy timeout ends
// (seen in the race test: neither ran). In the default mode a failed attempt drops its SHARED
// lock before the busy handler sleeps, so exactly one of any number of contenders wins.
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
  /** Drops the lock (closing the connection ends the transaction and its fcntl lock). Idempotent. */
  release(): void;
}

/**
 * Connections holding a lock. better-sqlite3 closes a Database that the garbage collector finds
 * unreferenced, which would silently drop the lock (seen: after gc() a second process could take
 * it) whenever the caller keeps no reference to what acquire returned. Held here, a lock lives
 * until release() or the end of the process.
 */
const heldLocks = new Set<SqliteDatabase>();

/** Takes the lock, or returns undefined when another live process holds it. Other errors throw. */
export function acquireDaemonLock(file: string, busyTimeoutMs: number = LOCK_BUSY_TIMEOUT_MS): DaemonLock | undefined {
  const db = new SqliteDatabase(file, { timeout: busyTimeoutMs });
  try {
    chmodSync(file, 0o600);
    // No journal file next to the lock: nothing is ever written to this database.
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (isSqliteBusy(error)) return undefined;
    throw error;
  }
  heldLocks.add(db);
  return {
    release() {
      if (!heldLocks.delete(db)) return;
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
