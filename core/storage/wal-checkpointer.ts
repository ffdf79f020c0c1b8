// Keeps WAL checkpoints off the ingest critical path. SQLite's automatic checkpoint runs inside the
// commit that crosses wal_autocheckpoint pages, which put the batch P95 at 20–30 ms here
// (reference/performance-floors.md §4). So automatic checkpoints are off and this runs them from a
// timer instead: the fast path's batches are synchronous, so a timer callback always lands between
// two batches, never inside one.
//
//  - every tick (1 s) with new writes: PASSIVE (copies what it can, never waits for or blocks
//    anyone). With a single writer it completes, so the next commit rewinds the WAL and
//    journal_size_limit cuts the file back: the WAL stays near one tick's worth of writes. A
//    longer tick copies a page rewritten by many batches once; 250 ms spent ~8 % of the ingest
//    thread on checkpoints during a flood.
//  - if the WAL file still grows past maxWalBytes (a reader kept PASSIVE from finishing), TRUNCATE
//    once the writer has been idle for idleMs: it waits for readers, and blocks writers meanwhile.
import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { Log } from '../log.ts';

export interface CheckpointPolicy {
  intervalMs: number;
  maxWalBytes: number;
  idleMs: number;
  /** How long TRUNCATE may wait for readers before giving up until the next idle tick. */
  truncateBusyMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  intervalMs: 1000,
  maxWalBytes: 64 * 1024 * 1024,
  idleMs: 1000,
  truncateBusyMs: 200,
};

export interface CheckpointStats {
  checkpoints: number;
  lastCheckpointMs: number;
  walBytes: number;
}

export class WalCheckpointer {
  private readonly db: Database;
  private readonly walPath: string;
  private readonly log: Log;
  private readonly policy: CheckpointPolicy;
  private readonly busyTimeoutMs: number;
  private readonly timer: NodeJS.Timeout;
  private lastWriteAt = 0;
  private dirty = false;
  private checkpoints = 0;
  private lastCheckpointMs = 0;

  constructor(db: Database, walPath: string, log: Log, policy: CheckpointPolicy, busyTimeoutMs: number) {
    this.db = db;
    this.walPath = walPath;
    this.log = log;
    this.policy = policy;
    this.busyTimeoutMs = busyTimeoutMs;
    this.timer = setInterval(() => this.tick(), policy.intervalMs);
    this.timer.unref();
  }

  /** The store calls this after each commit. */
  noteWrite(now: number = performance.now()): void {
    this.lastWriteAt = now;
    this.dirty = true;
  }

  walBytes(): number {
    try {
      return statSync(this.walPath).size;
    } catch {
      return 0;
    }
  }

  stats(): CheckpointStats {
    return { checkpoints: this.checkpoints, lastCheckpointMs: this.lastCheckpointMs, walBytes: this.walBytes() };
  }

  tick(now: number = performance.now()): void {
    if (!this.db.open || this.db.inTransaction) return;
    try {
      if (this.dirty) {
        this.dirty = false;
        this.run('PASSIVE');
      }
      const walBytes = this.walBytes();
      if (walBytes > this.policy.maxWalBytes && now - this.lastWriteAt >= this.policy.idleMs) {
        this.db.pragma(`busy_timeout = ${this.policy.truncateBusyMs}`);
        try {
          const [busy] = this.run('TRUNCATE');
          this.log.info('wal_truncated', { wal_bytes_before: walBytes, busy: busy === 1, wal_bytes: this.walBytes() });
        } finally {
          this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
        }
      }
    } catch (error) {
      this.log.warn('wal_checkpoint_failed', { error: (error as Error).message });
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  private run(mode: 'PASSIVE' | 'TRUNCATE'): [number, number, number] {
    const started = performance.now();
    const [row] = this.db.pragma(`wal_checkpoint(${mode})`) as Array<{ busy: number; log: number; checkpointed: number }>;
    this.lastCheckpointMs = performance.now() - started;
    this.checkpoints++;
    return [row?.busy ?? 0, row?.log ?? 0, row?.checkpointed ?? 0];
  }
}
