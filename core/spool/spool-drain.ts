// Replays the spool (events hooks could not hand to Redis) through the fast path's write path,
// with or without Redis. The other half of spool-writer.ts's contract:
//
//  1. a live file (SPOOL_FILE_PATTERN) is first renamed to `<name>.<unique>.draining`, so hooks
//     that start afterwards create a new file instead of appending to the one being read;
//  2. after a short grace (a hook that opened the file just before the rename may still be
//     writing its one line) the file is read line by line, each line validated like a stream
//     entry, and the valid events committed in batches (INSERT OR IGNORE on event_id, CDC when
//     Redis is up);
//  3. the file is deleted only once every event in it is committed. A crash before that leaves the
//     `.draining` file, replayed on the next start: already stored events are ignored by event_id.
//
// Bad lines (truncated, corrupt, invalid envelope) are dead-lettered when Redis is up and logged by
// reason and line number (never their content) either way; they don't keep the file alive.
// Triggered by chokidar when a spool file appears or grows, and by a slow timer as a safety net.
import { createReadStream, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import { ensurePrivateFolder, spoolFolder } from '../data-folder.ts';
import type { DeadLetter } from '../fast-path/dead-letters.ts';
import { MAX_EVENT_BYTES, validateEventJson } from '../fast-path/envelope-validation.ts';
import type { EventSink, ValidatedEvent } from '../fast-path/ingest-service.ts';
import type { Log } from '../log.ts';
import { SPOOL_FILE_PATTERN } from './spool-writer.ts';

export const DRAINING_SUFFIX = '.draining';

export interface SpoolDrainOptions {
  home: string;
  sink: EventSink;
  log: Log;
  /** Wait between renaming a live file and reading it. */
  graceMs?: number;
  /** Events per transaction. */
  batchSize?: number;
  /** A change seen by the watcher is drained after this quiet period (hooks often come in bursts). */
  debounceMs?: number;
  /** Safety-net drain period, for changes the watcher missed and files that failed before. */
  rescanMs?: number;
}

export interface SpoolStats {
  filesDrained: number;
  /** Events from the spool stored as new rows. */
  eventsStored: number;
  /** Spooled events that were already stored (replay after a crash, or also delivered by Redis). */
  duplicates: number;
  badLines: number;
  failedDrains: number;
}

export interface SpoolBacklog {
  files: number;
  bytes: number;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SpoolDrain {
  readonly folder: string;
  private readonly sink: EventSink;
  private readonly log: Log;
  private readonly graceMs: number;
  private readonly batchSize: number;
  private readonly debounceMs: number;
  private readonly rescanMs: number;
  private watcher: FSWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopWaiting: (() => void) | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly counters: SpoolStats = { filesDrained: 0, eventsStored: 0, duplicates: 0, badLines: 0, failedDrains: 0 };

  constructor(options: SpoolDrainOptions) {
    this.folder = spoolFolder(options.home);
    this.sink = options.sink;
    this.log = options.log;
    this.graceMs = options.graceMs ?? 1000;
    this.batchSize = options.batchSize ?? 100;
    this.debounceMs = options.debounceMs ?? 250;
    this.rescanMs = options.rescanMs ?? 30_000;
  }

  /** Drains what is already there (leftovers of a crash first), then watches for more. */
  async start(): Promise<void> {
    ensurePrivateFolder(this.folder);
    this.watcher = watch(this.folder, { depth: 0, ignoreInitial: true, persistent: true });
    const onChange = (path: string): void => {
      if (SPOOL_FILE_PATTERN.test(basename(path))) this.schedule();
    };
    this.watcher.on('add', onChange).on('change', onChange);
    this.watcher.on('error', (error: unknown) => this.log.warn('spool_watch_error', { error: errorMessage(error) }));
    // Files already there when the watcher is ready are not reported (ignoreInitial): the first
    // pass below, after that point, takes them; anything later is an event.
    await new Promise<void>((resolve) => {
      this.watcher!.once('ready', () => resolve());
      this.stopWaiting = resolve;
    });
    if (this.closing) return;
    this.rescanTimer = setInterval(() => this.schedule(0), this.rescanMs);
    this.rescanTimer.unref();
    await this.drainNow();
  }

  /** Runs one drain pass now (or right after the one in progress) and resolves when it is done. */
  async drainNow(): Promise<void> {
    if (this.running) {
      // The pass in progress goes round once more before it resolves.
      this.rerun = true;
      await this.running;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.rerun = false;
          await this.drainAll();
        } while (this.rerun && !this.closing);
      } finally {
        this.running = undefined;
      }
    })();
    await this.running;
  }

  private schedule(delayMs = this.debounceMs): void {
    if (this.closing) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.drainNow(), delayMs);
    this.debounceTimer.unref();
  }

  private async drainAll(): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch (error) {
      this.log.warn('spool_read_failed', { error: errorMessage(error) });
      return;
    }
    const draining = names.filter((name) => name.endsWith(DRAINING_SUFFIX));
    let renamed = false;
    for (const name of names.filter((candidate) => SPOOL_FILE_PATTERN.test(candidate))) {
      const target = `${name}.${Date.now()}-${randomBytes(3).toString('hex')}${DRAINING_SUFFIX}`;
      try {
        renameSync(join(this.folder, name), join(this.folder, target));
        draining.push(target);
        renamed = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn('spool_rename_failed', { file: name, error: errorMessage(error) });
      }
    }
    if (renamed) await new Promise((resolve) => setTimeout(resolve, this.graceMs));
    // Names start with platform and UTC hour, and the unique part with the time of the rename.
    for (const name of draining.sort()) {
      if (this.closing) return;
      await this.drainFile(name);
    }
  }

  private async drainFile(name: string): Promise<void> {
    const path = join(this.folder, name);
    const started = performance.now();
    let batch: ValidatedEvent[] = [];
    const dead: DeadLetter[] = [];
    let lineNumber = 0;
    let events = 0;
    const commit = (): void => {
      if (batch.length === 0) return;
      const committed = this.sink.commitEvents(batch);
      this.counters.eventsStored += committed.length;
      this.counters.duplicates += batch.length - committed.length;
      events += batch.length;
      batch = [];
    };
    try {
      const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
      for await (const line of lines) {
        lineNumber++;
        if (line.trim() === '') continue;
        const result = validateEventJson(line);
        if (result.ok) {
          batch.push({ event: result.event, json: result.json });
          if (batch.length >= this.batchSize) commit();
        } else {
          dead.push({ reason: result.reason, detail: result.detail, source: 'spool', sourceId: `${name}:${lineNumber}`, fields: ['line', line.slice(0, MAX_EVENT_BYTES)] });
        }
      }
      commit();
    } catch (error) {
      // Kept for the next pass; what was committed so far is ignored then by event_id.
      this.counters.failedDrains++;
      this.log.error('spool_drain_failed', { file: name, line: lineNumber, error: errorMessage(error) });
      return;
    }
    await this.reportBadLines(dead);
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn('spool_delete_failed', { file: name, error: errorMessage(error) });
    }
    this.counters.filesDrained++;
    this.log.info('spool_file_drained', { file: name, events, bad_lines: dead.length, ms: Math.round(performance.now() - started) });
  }

  private async reportBadLines(dead: readonly DeadLetter[]): Promise<void> {
    if (dead.length === 0) return;
    this.counters.badLines += dead.length;
    let deadLettered = false;
    try {
      deadLettered = await this.sink.deadLetter(dead);
    } catch (error) {
      this.log.warn('spool_dead_letter_failed', { error: errorMessage(error) });
    }
    for (const letter of dead) {
      this.log.warn('spool_line_rejected', { source_id: letter.sourceId, reason: letter.reason, detail: letter.detail, dead_lettered: deadLettered });
    }
  }

  stats(): SpoolStats {
    return { ...this.counters };
  }

  /** Spool files waiting (live and being drained) and their size, for `status`. */
  backlog(): SpoolBacklog {
    let files = 0;
    let bytes = 0;
    let names: string[] = [];
    try {
      names = readdirSync(this.folder);
    } catch {
      return { files, bytes };
    }
    for (const name of names) {
      if (!SPOOL_FILE_PATTERN.test(name) && !name.endsWith(DRAINING_SUFFIX)) continue;
      try {
        bytes += statSync(join(this.folder, name)).size;
        files++;
      } catch {
        // Drained meanwhile.
      }
    }
    return { files, bytes };
  }

  /** Stops watching and waits for the file in progress. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      this.stopWaiting?.();
      clearTimeout(this.debounceTimer);
      clearInterval(this.rescanTimer);
      await this.watcher?.close();
      await this.running;
    })();
    return this.closed;
  }
}
