// The transcript monitor as a long-lived service: one scan of every transcript at start (from the
// saved offsets, so a restart reads only what is new), then chokidar change events feed the tailer;
// a timer releases responses of files that went quiet and, now and then, re-checks every file by
// stat to catch what the file watcher missed. Records that could not be delivered are kept and
// retried, and the state is not saved past them, so nothing is lost between delivery and storage.
import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import type { Log } from '../log.ts';
import { silentLog } from '../log.ts';
import type { UsageRecord } from './transcript-line.ts';
import { scanTranscripts, type TranscriptScanReport } from './transcript-scan.ts';
import type { TranscriptStateStore } from './transcript-state.ts';
import type { TranscriptTailer } from './transcript-tailer.ts';

export interface TranscriptWatcherOptions {
  roots: readonly string[];
  tailer: TranscriptTailer;
  /** Receives released responses (build envelopes, hand them to the pipeline). May throw: retried later. */
  deliver: (records: UsageRecord[]) => void | Promise<void>;
  store?: TranscriptStateStore;
  log?: Log;
  /** How often responses of quiet files are released. */
  settleCheckMs?: number;
  /** How often every file is re-checked by stat. */
  rescanMs?: number;
  /** Least time between two saves of the state. */
  saveEveryMs?: number;
  /** Poll instead of native events (network drives, tests). */
  usePolling?: boolean;
}

const MAX_UNDELIVERED = 200_000;

export class TranscriptWatcher {
  private readonly options: TranscriptWatcherOptions;
  private readonly log: Log;
  private watcher: FSWatcher | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** One task at a time (reads, settles, rescans), in order. */
  private chain: Promise<void> = Promise.resolve();
  private readonly dirty = new Set<string>();
  private draining = false;
  private undelivered: UsageRecord[] = [];
  private stateChanged = false;
  private lastSaveAt = 0;
  private closing: Promise<void> | undefined;
  private started = false;

  constructor(options: TranscriptWatcherOptions) {
    this.options = options;
    this.log = options.log ?? silentLog;
  }

  /**
   * Starts watching, then scans everything once (resolving with what that pass read). Watching
   * first means a line written during the scan is either read by it or reported as a change.
   */
  async start(): Promise<TranscriptScanReport> {
    if (this.started) throw new Error('TranscriptWatcher already started');
    this.started = true;
    this.watcher = watch([...this.options.roots], {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: this.options.usePolling ?? false,
      interval: 250,
      ignored: (path: string, stats?: Stats) => stats?.isFile() === true && !path.endsWith('.jsonl'),
    });
    this.watcher.on('add', (path) => this.markDirty(path));
    this.watcher.on('change', (path) => this.markDirty(path));
    this.watcher.on('unlink', (path) => void this.enqueue(() => this.deliver(this.options.tailer.forgetFile(path))));
    this.watcher.on('error', (error) => this.log.warn('transcript_watch_error', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' }));
    const watcher = this.watcher;
    await new Promise<void>((ready) => watcher.once('ready', ready));
    const report = await this.enqueue(() => this.scan());
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => void this.enqueue(task), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.settleCheckMs ?? 5_000, async () => {
      await this.deliver(this.options.tailer.settleIdle());
      await this.save(false);
    });
    every(this.options.rescanMs ?? 300_000, () => this.scan());
    return report;
  }

  /** Stops watching, finishes the task in flight, saves the state. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      this.timers = [];
      await this.watcher?.close();
      await this.chain;
      await this.save(true);
    })();
    return this.closing;
  }

  /** Responses not yet delivered (delivery failed; retried with the next records). */
  get backlog(): number {
    return this.undelivered.length;
  }

  private markDirty(path: string): void {
    if (!path.endsWith('.jsonl') || this.closing) return;
    this.dirty.add(path);
    if (this.draining) return;
    this.draining = true;
    void this.enqueue(() => this.drain());
  }

  private async drain(): Promise<void> {
    try {
      for (const path of this.dirty) {
        this.dirty.delete(path);
        try {
          const result = await this.options.tailer.readFile(path);
          if (!result.unchanged) this.stateChanged = true;
          await this.deliver(result.records);
        } catch (error) {
          this.log.warn('transcript_read_failed', { file: this.options.tailer.fileKey(path), code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
        }
      }
    } finally {
      this.draining = false;
    }
    await this.save(false);
  }

  private async scan(): Promise<TranscriptScanReport> {
    const report = await scanTranscripts({ roots: this.options.roots, tailer: this.options.tailer, deliver: (records) => this.deliver(records), log: this.log });
    if (report.filesRead > 0) this.stateChanged = true;
    this.log.info('transcript_scan', { files: report.files, files_read: report.filesRead, bytes_read: report.bytesRead, records: report.records, ms: Math.round(report.durationMs) });
    await this.save(true);
    return report;
  }

  private async deliver(records: UsageRecord[]): Promise<void> {
    if (records.length === 0 && this.undelivered.length === 0) return;
    this.stateChanged = true;
    this.undelivered.push(...records);
    if (this.undelivered.length > MAX_UNDELIVERED) {
      const dropped = this.undelivered.length - MAX_UNDELIVERED;
      this.undelivered.splice(0, dropped);
      this.log.error('transcript_records_dropped', { count: dropped });
    }
    const batch = this.undelivered;
    this.undelivered = [];
    try {
      await this.options.deliver(batch);
    } catch (error) {
      this.undelivered = batch.concat(this.undelivered);
      this.log.warn('transcript_deliver_failed', { records: batch.length, code: (error as NodeJS.ErrnoException).code ?? (error as Error).name });
    }
  }

  /** Saves when something changed, at most every saveEveryMs unless forced, never past undelivered records. */
  private async save(force: boolean): Promise<void> {
    const { store } = this.options;
    if (!store || !this.stateChanged || this.undelivered.length > 0) return;
    if (!force && Date.now() - this.lastSaveAt < (this.options.saveEveryMs ?? 2_000)) return;
    try {
      await store.save(this.options.tailer.snapshot());
      this.stateChanged = false;
      this.lastSaveAt = Date.now();
    } catch (error) {
      this.log.warn('transcript_state_save_failed', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.then(
      () => undefined,
      (error: unknown) => this.log.error('transcript_task_failed', { code: (error as NodeJS.ErrnoException).code ?? (error as Error).name }),
    );
    return run;
  }
}
