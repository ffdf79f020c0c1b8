// One Cursor state.vscdb, read cheaply and never written: a change is noticed by stat alone (size,
// mtime and inode of the database and of its -wal), reads are throttled, and each read runs in one
// read transaction (one consistent snapshot) on a fresh read-only connection closed right after.
// A database that is locked or busy is not waited for: the poll reports "busy" and the next attempt
// is scheduled with a growing delay. Nothing here throws at the caller.
import { stat } from 'node:fs/promises';
import type { Log } from '../log.ts';
import { silentLog } from '../log.ts';
import { pathHash, safeId, type Hasher } from '../capture/safe-values.ts';
import type { CursorDatabaseRef } from './cursor-paths.ts';
import {
  readBubbles,
  readComposerData,
  readComposerLists,
  readDailyStats,
  readGenerations,
  tablesOf,
  type BubbleAggregate,
  type ComposerDataRow,
  type ComposerFacts,
  type DailyStatsFacts,
  type GenerationFacts,
} from './cursor-facts.ts';
import { isBusy, openReadOnly, sqliteErrorCode, READ_BUSY_TIMEOUT_MS } from './read-only-sqlite.ts';

/** What one read of a database found. Composer ids are Cursor's own (UUIDs), kept as map keys. */
export interface DatabaseFacts {
  /** From cursorDiskKV composerData:<id> rows (global database). */
  composerData: Map<string, ComposerDataRow>;
  /** From ItemTable composer lists (workspace composer.composerData, global composer.composerHeaders). */
  composerHeads: Map<string, ComposerFacts>;
  generations: GenerationFacts[];
  dailyStats: DailyStatsFacts[];
}

/** How a composer is named outside this module: its id if it is a plain id (UUIDs are), else a keyed hash. */
export function composerKey(composerId: string, hash: Hasher): string {
  return safeId(composerId, hash) ?? `h_${hash(composerId)}`;
}

/** Bubble totals per composer (by composerKey), remembered with the composerData fingerprint they were read at. */
export interface BubbleCacheEntry {
  dataFingerprint: string;
  bubbles: BubbleAggregate;
}

export type PollStatus = 'read' | 'unchanged' | 'throttled' | 'waiting' | 'busy' | 'missing' | 'error';

export interface PollResult {
  status: PollStatus;
  /** SQLite or errno code when status is busy or error. */
  code?: string;
  /** For busy and error: when the next attempt will be made (epoch ms). */
  retryAt?: number;
  durationMs?: number;
}

export interface DatabaseReaderOptions {
  hash: Hasher;
  /** Shared with the other readers of the same install, persisted by the monitor. */
  bubbleCache: Map<string, BubbleCacheEntry>;
  log?: Log;
  now?: () => number;
  /** Least time between two reads of a database that keeps changing. */
  minReadIntervalMs?: number;
  /** Most composers whose bubbles are (re)read in one read; the rest wait for the next. */
  maxBubbleComposersPerRead?: number;
  busyTimeoutMs?: number;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;

interface Fingerprint {
  size: number;
  mtimeMs: number;
  ino: number;
  walSize: number;
  walMtimeMs: number;
}

async function fingerprintOf(path: string): Promise<Fingerprint | undefined> {
  let main;
  try {
    main = await stat(path);
  } catch {
    return undefined;
  }
  let walSize = 0;
  let walMtimeMs = 0;
  try {
    const wal = await stat(`${path}-wal`);
    walSize = wal.size;
    walMtimeMs = wal.mtimeMs;
  } catch {
    // No WAL: a rollback-journal database, or a WAL database with nobody attached.
  }
  return { size: main.size, mtimeMs: main.mtimeMs, ino: main.ino, walSize, walMtimeMs };
}

function sameFingerprint(a: Fingerprint | undefined, b: Fingerprint | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.walSize === b.walSize && a.walMtimeMs === b.walMtimeMs;
}

export class CursorDatabaseReader {
  readonly ref: CursorDatabaseRef;
  /** Keyed hash of the database's path: how logs and state name it. */
  readonly key: string;
  /** Keyed hash of the workspace folder (workspace databases with a workspace.json). */
  readonly projectHash: string | undefined;
  private readonly options: DatabaseReaderOptions;
  private readonly log: Log;
  private readonly now: () => number;
  private lastFingerprint: Fingerprint | undefined;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private retryAt = 0;
  /** Composers whose bubbles still need reading (more than one read's worth changed). */
  private bubbleBacklog = false;
  private current: DatabaseFacts | undefined;

  constructor(ref: CursorDatabaseRef, options: DatabaseReaderOptions) {
    this.ref = ref;
    this.options = options;
    this.log = options.log ?? silentLog;
    this.now = options.now ?? Date.now;
    this.key = pathHash(ref.path, options.hash);
    this.projectHash = ref.workspaceFolder ? pathHash(ref.workspaceFolder, options.hash) : undefined;
  }

  /** The facts of the last successful read. */
  get facts(): DatabaseFacts | undefined {
    return this.current;
  }

  /** Reads the database if it changed (and is not locked); never throws. */
  async poll(): Promise<PollResult> {
    const now = this.now();
    if (now < this.retryAt) return { status: 'waiting', retryAt: this.retryAt };
    const fingerprint = await fingerprintOf(this.ref.path);
    if (!fingerprint) return { status: 'missing' };
    if (sameFingerprint(fingerprint, this.lastFingerprint) && !this.bubbleBacklog) return { status: 'unchanged' };
    if (now - this.lastReadAt < (this.options.minReadIntervalMs ?? 0)) return { status: 'throttled' };
    const started = performance.now();
    try {
      this.current = this.read();
    } catch (error) {
      return this.failed(error, now);
    }
    this.failures = 0;
    this.retryAt = 0;
    this.lastReadAt = now;
    this.lastFingerprint = fingerprint;
    return { status: 'read', durationMs: performance.now() - started };
  }

  private failed(error: unknown, now: number): PollResult {
    this.failures++;
    const busy = isBusy(error);
    const delay = Math.min(MAX_RETRY_MS, (busy ? FIRST_RETRY_MS : FIRST_RETRY_MS * 8) * 2 ** (this.failures - 1));
    this.retryAt = now + delay;
    const code = sqliteErrorCode(error);
    if (busy) this.log.debug('cursor_db_busy', { db: this.key, code, attempt: this.failures, retry_ms: delay });
    else this.log.warn('cursor_db_read_failed', { db: this.key, code, attempt: this.failures, retry_ms: delay });
    return { status: busy ? 'busy' : 'error', code, retryAt: this.retryAt };
  }

  private read(): DatabaseFacts {
    const db = openReadOnly(this.ref.path, this.options.busyTimeoutMs ?? READ_BUSY_TIMEOUT_MS);
    try {
      // One read transaction: every query below sees the same snapshot. A read-only connection
      // takes only a shared lock, released at COMMIT.
      db.exec('BEGIN');
      try {
        return this.readFacts(db);
      } finally {
        if (db.inTransaction) db.exec('COMMIT');
      }
    } finally {
      db.close();
    }
  }

  private readFacts(db: Parameters<typeof tablesOf>[0]): DatabaseFacts {
    const { hash, bubbleCache } = this.options;
    const tables = tablesOf(db);
    const facts: DatabaseFacts = { composerData: new Map(), composerHeads: new Map(), generations: [], dailyStats: [] };
    if (tables.itemTable) {
      for (const head of readComposerLists(db, hash)) facts.composerHeads.set(head.composerId, { ...facts.composerHeads.get(head.composerId), ...head.facts });
      facts.generations = readGenerations(db);
      facts.dailyStats = readDailyStats(db);
    }
    if (tables.diskKv) {
      let budget = this.options.maxBubbleComposersPerRead ?? 200;
      this.bubbleBacklog = false;
      for (const row of readComposerData(db, hash)) {
        facts.composerData.set(row.composerId, row);
        const cacheKey = composerKey(row.composerId, hash);
        if (bubbleCache.get(cacheKey)?.dataFingerprint === row.fingerprint) continue;
        if (budget === 0) {
          this.bubbleBacklog = true;
          continue;
        }
        budget--;
        bubbleCache.set(cacheKey, { dataFingerprint: row.fingerprint, bubbles: readBubbles(db, row.composerId) });
      }
    }
    return facts;
  }
}
