// telemetry.db, written by one process (the daemon) through this class only. Statements are prepared
// once; a batch is one synchronous transaction with nothing else inside it (events arrive already
// encoded: compression happens before, in encodeEvent). WAL, with checkpoints taken between batches
// by WalCheckpointer rather than inside a commit.
//
// synchronous=NORMAL, from a measurement on this machine (batches of 100 realistic encoded events,
// WAL, checkpoints between batches; test/bench/ingest.mjs prints it again; ranges over runs on a
// shared machine): NORMAL P50 1.1–1.4 ms, P95 1.5–3.0 ms, 42–64k rows/s; FULL P50 1.5–1.9 ms,
// P95 1.9–4.2 ms, 37–58k rows/s: about 0.4–0.6 ms more per batch and 10–20 % fewer rows/s. FULL adds an
// fsync to every commit, on the ingest thread. What it buys: under NORMAL a process crash
// (kill -9) loses nothing (the WAL is in the OS page cache); only power loss or an OS crash can
// lose the commits since the last checkpoint, at most one checkpoint interval (1 s), the same
// window as the managed Redis' own `appendfsync everysec` for the same events.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement, Transaction } from 'better-sqlite3';
import type { Platform, TelemetryEvent } from '../event/envelope.ts';
import { uuidV7 } from '../event/uuid-v7.ts';
import type { Log } from '../log.ts';
import { decodeEventData } from './event-codec.ts';
import type { EncodedEvent } from './event-codec.ts';
import { applyMigrations } from './migrations.ts';
import { DEFAULT_CHECKPOINT_POLICY, WalCheckpointer } from './wal-checkpointer.ts';
import type { CheckpointPolicy } from './wal-checkpointer.ts';

export const DATABASE_FILE = 'telemetry.db';

/** A row that insertBatch really inserted (a duplicate event_id is not one). */
export interface CommittedEvent {
  sequence: number;
  event_id: string;
  session_uuid: string;
  event_type: string;
  platform: Platform;
}

/** One raw_traces row read back, its event decompressed. */
export interface StoredEvent {
  sequence: number;
  ingested_at: string;
  event_id: string;
  session_id: string;
  event_type: string;
  platform: Platform;
  timestamp: string;
  workspace_hash: string | null;
  project_hash: string | null;
  model: string | null;
  tool_name: string | null;
  duration_ms: number | null;
  tokens_used: number | null;
  lines_added: number | null;
  lines_removed: number | null;
  event_date: string | null;
  event_hour: number | null;
  codec: number;
  stored_bytes: number;
  event: TelemetryEvent;
}

type StoredRow = Omit<StoredEvent, 'event' | 'stored_bytes'> & { event_data: Buffer };

export interface StoreOptions {
  synchronous?: 'NORMAL' | 'FULL';
  checkpoint?: Partial<CheckpointPolicy>;
}

export interface StoreStats {
  batches: number;
  lastBatchMs: number;
  checkpoints: number;
  lastCheckpointMs: number;
  walBytes: number;
}

const BUSY_TIMEOUT_MS = 5000;
/** The WAL file is cut back to this size whenever a checkpoint lets it restart. */
const JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
/**
 * Page cache of the writer (KiB). Inserts only touch the right edge of each B-tree (and one leaf
 * per event type), so 4 MiB holds the working set: 16 MiB measured the same batch times on 200k rows,
 * for 10 MB more RSS.
 */
const CACHE_KIB = 4 * 1024;

interface SessionGroup {
  externalId: string;
  platform: Platform;
  projectHash: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
  members: CommittedEvent[];
}

export class TelemetryStore {
  readonly file: string;
  private readonly db: SqliteDatabase;
  private readonly log: Log;
  private readonly checkpointer: WalCheckpointer;
  private readonly insertTrace: Statement;
  private readonly upsertSession: Statement<{ session_uuid: string }>;
  private readonly selectTrace: Statement<StoredRow>;
  private readonly writeBatch: Transaction<(encoded: readonly EncodedEvent[]) => CommittedEvent[]>;
  private rowCount: number;
  private batches = 0;
  private lastBatchMs = 0;
  private closed = false;

  /** Opens (creating if needed) the database and brings its schema up to date. */
  static open(file: string, log: Log, options: StoreOptions = {}): TelemetryStore {
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      db.pragma('wal_autocheckpoint = 0');
      db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
      db.pragma(`cache_size = -${CACHE_KIB}`);
      db.pragma('temp_store = MEMORY');
      db.pragma('foreign_keys = ON');
      applyMigrations(db, log);
      return new TelemetryStore(file, db, log, { ...DEFAULT_CHECKPOINT_POLICY, ...options.checkpoint });
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private constructor(file: string, db: SqliteDatabase, log: Log, policy: CheckpointPolicy) {
    this.file = file;
    this.db = db;
    this.log = log;
    this.checkpointer = new WalCheckpointer(db, `${file}-wal`, log, policy, BUSY_TIMEOUT_MS);
    // "INSERT OR IGNORE on event_id", spelled so that only a duplicate event_id is ignored: plain
    // OR IGNORE would also skip a row breaking NOT NULL, silently, and the batch would be acked.
    this.insertTrace = db.prepare(`INSERT INTO raw_traces
      (event_id, session_id, event_type, platform, timestamp, workspace_hash, project_hash, model, tool_name,
       duration_ms, tokens_used, lines_added, lines_removed, codec, event_data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (event_id) DO NOTHING`);
    this.upsertSession = db.prepare(`INSERT INTO session_mappings
      (session_uuid, external_id, platform, project_hash, first_seen, last_seen, event_count)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (external_id, platform, project_hash) DO UPDATE SET
        first_seen = min(first_seen, excluded.first_seen),
        last_seen = max(last_seen, excluded.last_seen),
        event_count = event_count + excluded.event_count
      RETURNING session_uuid`);
    this.selectTrace = db.prepare(`SELECT sequence, ingested_at, event_id, session_id, event_type, platform, timestamp,
      workspace_hash, project_hash, model, tool_name, duration_ms, tokens_used, lines_added, lines_removed,
      event_date, event_hour, codec, event_data FROM raw_traces WHERE sequence = ?`);
    this.writeBatch = db.transaction((encoded: readonly EncodedEvent[]) => this.writeRows(encoded));
    this.rowCount = db.prepare<{ count: number }>('SELECT count(*) AS count FROM raw_traces').get()?.count ?? 0;
  }

  /**
   * Stores a batch in one transaction: insert, ignoring event_ids already stored, then one session_mappings
   * upsert per session the new rows belong to. Returns the rows really inserted, in input order.
   * Throws if the transaction fails; then nothing of the batch is stored.
   */
  insertBatch(encoded: readonly EncodedEvent[]): CommittedEvent[] {
    if (encoded.length === 0) return [];
    const started = performance.now();
    // IMMEDIATE: take the write lock up front, so a reader elsewhere can never make the commit fail halfway.
    const committed = this.writeBatch.immediate(encoded);
    this.lastBatchMs = performance.now() - started;
    this.batches++;
    this.rowCount += committed.length;
    this.checkpointer.noteWrite();
    return committed;
  }

  private writeRows(encoded: readonly EncodedEvent[]): CommittedEvent[] {
    const committed: CommittedEvent[] = [];
    const sessions = new Map<string, SessionGroup>();
    for (const row of encoded) {
      const result = this.insertTrace.run(
        row.event_id,
        row.session_id,
        row.event_type,
        row.platform,
        row.timestamp,
        row.workspace_hash,
        row.project_hash,
        row.model,
        row.tool_name,
        row.duration_ms,
        row.tokens_used,
        row.lines_added,
        row.lines_removed,
        row.codec,
        row.event_data,
      );
      if (result.changes === 0) continue;
      const event: CommittedEvent = { sequence: Number(result.lastInsertRowid), event_id: row.event_id, session_uuid: '', event_type: row.event_type, platform: row.platform };
      committed.push(event);
      const projectHash = row.project_hash ?? '';
      const key = `${row.platform}\u0000${projectHash}\u0000${row.session_id}`;
      const group = sessions.get(key);
      if (group) {
        group.count++;
        if (row.timestamp < group.firstSeen) group.firstSeen = row.timestamp;
        if (row.timestamp > group.lastSeen) group.lastSeen = row.timestamp;
        group.members.push(event);
      } else {
        sessions.set(key, { externalId: row.session_id, platform: row.platform, projectHash, firstSeen: row.timestamp, lastSeen: row.timestamp, count: 1, members: [event] });
      }
    }
    for (const group of sessions.values()) {
      const mapped = this.upsertSession.get(uuidV7(), group.externalId, group.platform, group.projectHash, group.firstSeen, group.lastSeen, group.count);
      for (const event of group.members) event.session_uuid = mapped!.session_uuid;
    }
    return committed;
  }

  /** One stored event by sequence, with its JSON decompressed; undefined if there is none. */
  readEvent(sequence: number): StoredEvent | undefined {
    const row = this.selectTrace.get(sequence);
    if (!row) return undefined;
    const { event_data: data, ...columns } = row;
    return { ...columns, stored_bytes: data.length, event: decodeEventData(data, row.codec) };
  }

  /**
   * The connection itself, for the slow path's own statements (conversations, insights, session
   * reads). Same process and thread as the fast path, so it never waits on a lock of its own writer.
   */
  connection(): SqliteDatabase {
    return this.db;
  }

  /** Rows in raw_traces (counted once on open, then kept up to date by insertBatch). */
  eventCount(): number {
    return this.rowCount;
  }

  /** Bytes on disk: the database file plus its WAL. */
  fileSizeBytes(): number {
    let total = 0;
    for (const path of [this.file, `${this.file}-wal`]) {
      try {
        total += statSync(path).size;
      } catch {
        // A missing WAL is normal (after a clean close).
      }
    }
    return total;
  }

  stats(): StoreStats {
    return { batches: this.batches, lastBatchMs: this.lastBatchMs, ...this.checkpointer.stats() };
  }

  /** Runs the checkpointer's policy now instead of at its next tick. */
  checkpointNow(): void {
    this.checkpointer.tick();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.checkpointer.close();
    try {
      this.db.close();
    } catch (error) {
      this.log.warn('database_close_failed', { error: (error as Error).message });
    }
  }
}
