// Reads Claude Code transcripts incrementally: per file, only the bytes after the last offset, one
// complete line at a time. A line still being written (no newline yet, not yet a whole JSON object)
// is left for the next read; a file that got shorter, changed inode or changed its first bytes is
// read again from 0 (the ledger and the stable event ids keep that from counting twice); a corrupt
// line is skipped with a logged reason. The reader never holds a line's text beyond parsing it.
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Log } from '../log.ts';
import { silentLog } from '../log.ts';
import { createHasher, pathHash, type Hasher } from '../capture/safe-values.ts';
import { parseTranscriptLine, type UsageRecord } from './transcript-line.ts';
import { SessionIndex, type TranscriptSession } from './transcript-sessions.ts';
import { emptyReaderState, type TranscriptFileState, type TranscriptReaderState } from './transcript-state.ts';
import { UsageLedger, type LedgerCounters } from './usage-ledger.ts';

export type SkipReason = 'invalid_json' | 'not_an_object' | 'too_long' | 'not_interesting';

export interface TailerOptions {
  /** The install secret: keys the hashes of paths, ids and cwd. */
  secret: Buffer;
  /** State saved by a previous run. */
  state?: TranscriptReaderState;
  log?: Log;
  now?: () => number;
  /** A response still pending when its file has been quiet this long can no longer grow. */
  settleMs?: number;
  chunkBytes?: number;
  /** Longer lines are skipped (reason too_long) without being buffered. */
  maxLineBytes?: number;
}

export interface FileReadResult {
  /** Keyed hash of the path: how logs and state name the file. */
  fileKey: string;
  bytesRead: number;
  linesRead: number;
  /** Responses released by this read, each once (possibly from other files, settled by this one). */
  records: UsageRecord[];
  skipped: Partial<Record<SkipReason, number>>;
  /** Why the file was read again from its start, if it was. */
  restarted?: 'truncated' | 'replaced' | 'rewritten';
  /** The file no longer exists (its state was dropped). */
  missing: boolean;
  /** Size and mtime matched the last read: nothing was opened. */
  unchanged: boolean;
}

interface FileRuntime {
  state: TranscriptFileState;
  /** Where the next read starts: past every complete line read in this process. */
  readOffset: number;
  /** Loaded with lines after its offset (pending responses, an unfinished line): read even if unchanged. */
  reread: boolean;
}

/** Per read of a file: the session lines kept aside (see handleLine). */
interface ReadPass {
  sawSighting: boolean;
  /** Where the last session line of the read is (read again at the end: copying every candidate cost ~9 % of a scan). */
  lastSightingStart: number;
  lastSightingLength: number;
}

export const DEFAULT_SETTLE_MS = 60_000;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
const HEAD_BYTES = 256;
const NEWLINE = 0x0a;
const USAGE_FIELD = Buffer.from('"usage"');
const SESSION_FIELD = Buffer.from('"sessionId"');

/**
 * The keyed hash, remembered: every line of a transcript repeats its session id and cwd, and an
 * HMAC per line was a third of a scan's time. Bounded, so a long-running daemon does not grow.
 */
function rememberingHasher(hash: Hasher, capacity = 10_000): Hasher {
  const known = new Map<string, string>();
  return (value) => {
    let digest = known.get(value);
    if (digest === undefined) {
      if (known.size >= capacity) known.clear();
      digest = hash(value);
      known.set(value, digest);
    }
    return digest;
  };
}

/** A line without a newline is complete only if it is a whole JSON object (a prefix of one never is). */
function isWholeObject(line: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

export class TranscriptTailer {
  private readonly hash: Hasher;
  /** The same keyed hash, not remembered: a file's first bytes are hashed once per read. */
  private readonly headHash: Hasher;
  private readonly log: Log;
  private readonly now: () => number;
  private readonly settleMs: number;
  private readonly chunkBytes: number;
  private spareChunk: Buffer | undefined;
  /** Keyed hash of each path asked for (a path's key never changes; paths are few, one per transcript). */
  private readonly fileKeys = new Map<string, string>();
  private readonly maxLineBytes: number;
  private readonly files = new Map<string, FileRuntime>();
  /** Last modification time seen per file: a file quiet for settleMs releases its pending responses. */
  private readonly lastChange = new Map<string, number>();
  private readonly ledger = new UsageLedger();
  private readonly index: SessionIndex;
  /** One read at a time: reads share the ledger and their order matters. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: TailerOptions) {
    this.headHash = createHasher(options.secret);
    this.hash = rememberingHasher(this.headHash);
    this.log = options.log ?? silentLog;
    this.now = options.now ?? Date.now;
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const state = options.state ?? emptyReaderState();
    for (const [key, file] of Object.entries(state.files)) {
      this.files.set(key, { state: { ...file }, readOffset: file.offset, reread: file.offset < file.size });
    }
    this.index = new SessionIndex(state.sessions);
  }

  /** The keyed hash that names a transcript file in state and logs. */
  fileKey(path: string): string {
    // The watcher's rescans ask again for every file: hash each path once per process.
    let key = this.fileKeys.get(path);
    if (key === undefined) {
      key = pathHash(resolve(path), this.hash);
      this.fileKeys.set(path, key);
    }
    return key;
  }

  /** Reads what is new in one file. Never throws for the file's content; I/O errors other than a missing file do. */
  readFile(path: string): Promise<FileReadResult> {
    const run = this.queue.then(() => this.readNow(path));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Releases the pending responses of files quiet for the settle delay (call it periodically). */
  settleIdle(): UsageRecord[] {
    const now = this.now();
    for (const [key, changedAt] of this.lastChange) {
      if (now - changedAt < this.settleMs) continue;
      this.ledger.settleFile(key);
      this.lastChange.delete(key);
    }
    return this.ledger.take();
  }

  /** Releases everything pending: for a one-shot scan of files that are known to be complete. */
  settleAll(): UsageRecord[] {
    this.ledger.settleAll();
    this.lastChange.clear();
    return this.ledger.take();
  }

  /** The file was deleted: drop its state and release what only it held. */
  forgetFile(path: string): UsageRecord[] {
    const key = this.fileKey(path);
    this.fileKeys.delete(path);
    this.files.delete(key);
    this.lastChange.delete(key);
    this.ledger.forgetFile(key);
    return this.ledger.take();
  }

  /**
   * The state to persist. Save it only after the records returned so far were delivered: each file's
   * offset stops before its earliest still-pending response, so a restart re-reads those lines.
   */
  snapshot(): TranscriptReaderState {
    const files: Record<string, TranscriptFileState> = {};
    for (const [key, runtime] of this.files) {
      const pendingStart = this.ledger.pendingStart(key);
      const offset = pendingStart === undefined ? runtime.readOffset : Math.min(pendingStart, runtime.readOffset);
      files[key] = { ...runtime.state, offset };
    }
    return { version: 1, files, sessions: this.index.toState() };
  }

  sessions(): TranscriptSession[] {
    return this.index.list();
  }

  get counters(): Readonly<LedgerCounters> {
    return this.ledger.counters;
  }

  get pendingResponses(): number {
    return this.ledger.pendingCount;
  }

  private async readNow(path: string): Promise<FileReadResult> {
    const fileKey = this.fileKey(path);
    const result: FileReadResult = { fileKey, bytesRead: 0, linesRead: 0, records: [], skipped: {}, missing: false, unchanged: false };
    let stats;
    try {
      // Synchronous: a local stat takes microseconds, awaiting one per file was most of a second
      // scan of an unchanged history (583 files: 41-64 ms awaited, 1.3 ms synchronous).
      stats = statSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      result.missing = true;
      result.records = this.forgetFile(path);
      return result;
    }
    let runtime = this.files.get(fileKey);
    const ino = Number.isSafeInteger(stats.ino) ? stats.ino : 0;
    if (runtime && !runtime.reread && runtime.state.size === stats.size && runtime.state.mtimeMs === stats.mtimeMs && (runtime.state.ino === ino || ino === 0)) {
      result.unchanged = true;
      result.records = this.settleIfQuiet(fileKey, stats.mtimeMs);
      return result;
    }
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      result.missing = true;
      result.records = this.forgetFile(path);
      return result;
    }
    try {
      const head = await this.readHead(handle, stats.size);
      if (!runtime) {
        runtime = { state: { offset: 0, size: 0, mtimeMs: 0, ino, head }, readOffset: 0, reread: false };
        this.files.set(fileKey, runtime);
      } else {
        const restart =
          stats.size < runtime.readOffset ? 'truncated'
          : runtime.state.ino !== 0 && ino !== 0 && runtime.state.ino !== ino ? 'replaced'
          : runtime.state.head !== '' && runtime.state.head !== head ? 'rewritten'
          : undefined;
        if (restart) {
          result.restarted = restart;
          this.log.info('transcript_restart', { file: fileKey, reason: restart });
          runtime.readOffset = 0;
          this.ledger.restartFile(fileKey);
        }
      }
      await this.readLines(handle, runtime, stats.size, fileKey, result);
      runtime.state = { offset: runtime.readOffset, size: stats.size, mtimeMs: stats.mtimeMs, ino, head };
      runtime.reread = false;
    } finally {
      await handle.close();
    }
    this.lastChange.set(fileKey, stats.mtimeMs);
    result.records = this.settleIfQuiet(fileKey, stats.mtimeMs);
    return result;
  }

  private settleIfQuiet(fileKey: string, mtimeMs: number): UsageRecord[] {
    if (this.now() - mtimeMs >= this.settleMs) {
      this.ledger.settleFile(fileKey);
      this.lastChange.delete(fileKey);
    }
    return this.ledger.take();
  }

  private async readHead(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<string> {
    if (size < HEAD_BYTES) return '';
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return bytesRead === HEAD_BYTES ? this.headHash(buffer.toString('base64')) : '';
  }

  /** Reads from runtime.readOffset up to `end`, handing each complete line to handleLine. */
  private async readLines(handle: Awaited<ReturnType<typeof open>>, runtime: FileRuntime, end: number, fileKey: string, result: FileReadResult): Promise<void> {
    const size = Math.min(this.chunkBytes, Math.max(1, end - runtime.readOffset));
    // Reads of more than half a chunk share one chunk buffer (a new 1 MiB per file was ~28 MB of a
    // 1 GB scan's peak); smaller ones get their own small buffer, and so does a read that overlaps
    // another (never, from the watcher's one-task queue).
    const large = size > this.chunkBytes / 2;
    const buffer = large && this.spareChunk ? this.spareChunk : Buffer.allocUnsafe(large ? this.chunkBytes : size);
    if (large) this.spareChunk = undefined;
    try {
      await this.readChunks(handle, buffer, runtime, end, fileKey, result);
    } finally {
      if (large) this.spareChunk = buffer;
    }
  }

  private async readChunks(handle: Awaited<ReturnType<typeof open>>, buffer: Buffer, runtime: FileRuntime, end: number, fileKey: string, result: FileReadResult): Promise<void> {
    let position = runtime.readOffset;
    /** Start of the line being assembled, and its bytes so far when it spans chunks. */
    let lineStart = position;
    let carry: Buffer | undefined;
    let tooLong = false;
    const pass: ReadPass = { sawSighting: false, lastSightingStart: 0, lastSightingLength: 0 };
    while (position < end) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
      if (bytesRead === 0) break;
      result.bytesRead += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      const chunkStart = position;
      position += bytesRead;
      let from = 0;
      for (let newline = chunk.indexOf(NEWLINE, from); newline !== -1; newline = chunk.indexOf(NEWLINE, from)) {
        if (tooLong) {
          this.skip(result, 'too_long', fileKey, lineStart);
        } else {
          const piece = chunk.subarray(from, newline);
          this.handleLine(carry ? Buffer.concat([carry, piece]) : piece, lineStart, fileKey, result, pass);
        }
        carry = undefined;
        tooLong = false;
        from = newline + 1;
        lineStart = chunkStart + from;
        runtime.readOffset = lineStart;
      }
      if (from < chunk.length && !tooLong) {
        const rest = chunk.subarray(from);
        carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
        if (carry.length > this.maxLineBytes) {
          carry = undefined;
          tooLong = true;
        }
      }
    }
    // An unterminated last line is consumed only once it is a whole JSON object.
    if (carry && isWholeObject(carry)) {
      this.handleLine(carry, lineStart, fileKey, result, pass);
      runtime.readOffset = lineStart + carry.length;
    }
    if (pass.lastSightingLength > 0) {
      const line = Buffer.allocUnsafe(pass.lastSightingLength);
      const { bytesRead } = await handle.read(line, 0, line.length, pass.lastSightingStart);
      this.parseLine(line.subarray(0, bytesRead), pass.lastSightingStart, fileKey, result);
    }
  }

  /**
   * Lines with usage are parsed; other lines matter only for when their session was seen, and one
   * file holds one session, so of those only the first and the last of a read are parsed (most
   * lines of a transcript are progress and tool output: parsing them all was most of a scan's time).
   */
  private handleLine(line: Buffer, lineStart: number, fileKey: string, result: FileReadResult, pass: ReadPass): void {
    result.linesRead++;
    const hasUsage = line.indexOf(USAGE_FIELD) !== -1;
    if (line.length === 0 || (!hasUsage && line.indexOf(SESSION_FIELD) === -1)) {
      if (line.length > 0) result.skipped.not_interesting = (result.skipped.not_interesting ?? 0) + 1;
      return;
    }
    if (!hasUsage) {
      if (pass.sawSighting) {
        pass.lastSightingStart = lineStart;
        pass.lastSightingLength = line.length;
        return;
      }
      pass.sawSighting = true;
    }
    this.parseLine(line, lineStart, fileKey, result);
  }

  private parseLine(line: Buffer, lineStart: number, fileKey: string, result: FileReadResult): void {
    const parsed = parseTranscriptLine(line.toString('utf8'), this.hash);
    switch (parsed.kind) {
      case 'corrupt':
        this.skip(result, parsed.reason, fileKey, lineStart);
        return;
      case 'ignored':
        result.skipped.not_interesting = (result.skipped.not_interesting ?? 0) + 1;
        return;
      case 'sighting':
        this.index.see(parsed.sighting);
        return;
      case 'usage':
        this.index.see(parsed.sighting);
        this.ledger.offer(parsed.usage, fileKey, lineStart);
        return;
    }
  }

  private skip(result: FileReadResult, reason: SkipReason, fileKey: string, offset: number): void {
    result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
    this.log.warn('transcript_line_skipped', { file: fileKey, offset, reason });
  }
}
