// Token accounting across transcript lines (reference/claude-code.md §4.5): one API response is
// written as several lines that repeat its usage, and before Claude Code 2.1.97 the early lines
// carry a streaming placeholder (output_tokens grows). So each response, keyed by message.id +
// requestId, is held "pending" while more of its lines may come, keeps the line with the largest
// usage, and is released ("settled") exactly once per process when it cannot grow any more:
// - its line has a stop_reason (final usage, Claude Code ≥ 2.1.97);
// - a later line in the same file belongs to another response (the API calls of one file are
//   sequential, so the earlier response is complete);
// - its file has been quiet for the settle delay (the caller decides when: settleFile).
// The key is global, so a response repeated in another file (subagent replays) is counted once.
import { tokenTotal, type UsageRecord } from './transcript-line.ts';

interface PendingResponse {
  record: UsageRecord;
  total: number;
  /** Byte offset of this response's first line in each file it appeared in. */
  starts: Map<string, number>;
}

/** True when `candidate` should replace `current` as the response's usage. */
function isBetter(candidate: UsageRecord, candidateTotal: number, current: PendingResponse): boolean {
  if (candidateTotal !== current.total) return candidateTotal > current.total;
  // Same usage: the main thread's copy beats a sidechain replay (ccusage #913), then a final line.
  if (candidate.isSidechain !== current.record.isSidechain) return !candidate.isSidechain;
  return candidate.final && !current.record.final;
}

export interface LedgerCounters {
  /** Lines whose response was already pending (the repeats that naive summing double-counts). */
  duplicateLines: number;
  /** Lines of a response already released, with a larger usage than the one released. */
  lateGrowth: number;
  /** Lines of a response already released, with the same or a smaller usage. */
  lateRepeats: number;
}

export class UsageLedger {
  private readonly pending = new Map<string, PendingResponse>();
  /** Total tokens of every response released in this process, by key. */
  private readonly released = new Map<string, number>();
  private readonly ready: UsageRecord[] = [];
  readonly counters: LedgerCounters = { duplicateLines: 0, lateGrowth: 0, lateRepeats: 0 };

  /** Takes one usage line found at byte `lineStart` of the file known as `fileKey`. */
  offer(record: UsageRecord, fileKey: string, lineStart: number): void {
    const key = record.messageKey;
    const total = tokenTotal(record.tokens);
    const releasedTotal = this.released.get(key);
    if (releasedTotal !== undefined) {
      if (total > releasedTotal) this.counters.lateGrowth++;
      else this.counters.lateRepeats++;
      return;
    }
    for (const [otherKey, other] of this.pending) {
      if (otherKey !== key && other.starts.has(fileKey)) this.release(otherKey);
    }
    const current = this.pending.get(key);
    if (!current) {
      this.pending.set(key, { record, total, starts: new Map([[fileKey, lineStart]]) });
    } else {
      this.counters.duplicateLines++;
      if (isBetter(record, total, current)) {
        current.record = record;
        current.total = total;
      }
      if (!current.starts.has(fileKey)) current.starts.set(fileKey, lineStart);
    }
    if (record.final) this.release(key);
  }

  /** Releases every pending response seen in a file (the file is quiet, or complete). */
  settleFile(fileKey: string): void {
    // Responses left without a file by a restart that did not find them again go too.
    for (const [key, entry] of this.pending) if (entry.starts.has(fileKey) || entry.starts.size === 0) this.release(key);
  }

  /** Releases everything pending (a one-shot scan of files known to be complete). */
  settleAll(): void {
    for (const key of [...this.pending.keys()]) this.release(key);
  }

  /** The file's offset before which nothing is pending: where a restarted reader must resume. */
  pendingStart(fileKey: string): number | undefined {
    let start: number | undefined;
    for (const entry of this.pending.values()) {
      const at = entry.starts.get(fileKey);
      if (at !== undefined && (start === undefined || at < start)) start = at;
    }
    return start;
  }

  hasPending(fileKey: string): boolean {
    return this.pendingStart(fileKey) !== undefined;
  }

  /** The file will be read again from its start: its positions no longer mean anything, but its
   * responses stay pending (the re-read finds their lines again). */
  restartFile(fileKey: string): void {
    for (const entry of this.pending.values()) entry.starts.delete(fileKey);
  }

  /** The file is gone: responses seen only there can no longer grow, so they are released. */
  forgetFile(fileKey: string): void {
    for (const [key, entry] of this.pending) {
      if (!entry.starts.delete(fileKey)) continue;
      if (entry.starts.size === 0) this.release(key);
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** The responses released since the last call, each once. */
  take(): UsageRecord[] {
    return this.ready.splice(0);
  }

  private release(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    this.released.set(key, entry.total);
    this.ready.push(entry.record);
  }
}
