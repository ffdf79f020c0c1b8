// Backfills the sessions whose hooks never fired: among the sessions the transcript reader saw,
// those quiet for a while (so a live session whose hooks are about to report is not counted twice)
// and without any stored hook event get their transcript read whole once and turned into the
// hooks' events (transcript-backfill-events.ts). Which sessions were done is saved, so a restart
// never reads them again; a delivery that fails leaves its session to the next pass.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { createHasher, isRecord, safeId, type Hasher } from '../capture/safe-values.ts';
import type { TelemetryEvent } from '../event/envelope.ts';
import type { Log } from '../log.ts';
import { silentLog } from '../log.ts';
import { transcriptBackfillEvents } from './transcript-backfill-events.ts';
import { listTranscriptFiles } from './transcript-scan.ts';
import { sessionsWithoutHooks, type TranscriptSession } from './transcript-sessions.ts';

export interface BackfilledSession {
  /** ISO-8601 UTC of the pass that delivered it. */
  at: string;
  events: number;
}

export interface BackfillState {
  version: 1;
  sessions: Record<string, BackfilledSession>;
}

export interface BackfillStateStore {
  load(): BackfillState | undefined;
  save(state: BackfillState): void;
}

export interface TranscriptBackfillOptions {
  /** The install secret: keys the same hashes as the hooks and the transcript reader. */
  secret: Buffer;
  /** The projects/ folders the transcript reader reads. */
  roots: readonly string[];
  /** The sessions seen in transcripts (TranscriptTailer#sessions). */
  sessions: () => readonly TranscriptSession[];
  /** Any stored event of the session whose hook_type is not "transcript". */
  hasHookEvents: (sessionId: string) => boolean;
  /** Stores the events; may throw (the session is tried again on the next pass). */
  deliver: (events: TelemetryEvent[]) => void | Promise<void>;
  store?: BackfillStateStore;
  /** A session is backfilled only once its last line and its files are this old. */
  quietMs?: number;
  /** Time between passes, once started. */
  intervalMs?: number;
  now?: () => number;
  log?: Log;
}

export interface BackfillPassReport {
  /** Sessions seen, not yet backfilled, without hook events. */
  candidates: number;
  /** Candidates not quiet yet. */
  waiting: number;
  backfilled: number;
  events: number;
  /** Sessions whose files could not be read or whose delivery failed: tried again next pass. */
  failed: number;
}

export const DEFAULT_BACKFILL_QUIET_MS = 10 * 60_000;
export const DEFAULT_BACKFILL_INTERVAL_MS = 60_000;

export function emptyBackfillState(): BackfillState {
  return { version: 1, sessions: {} };
}

/** Keeps only well-formed entries of a state read back from storage. */
export function sanitizeBackfillState(raw: unknown): BackfillState {
  const state = emptyBackfillState();
  if (!isRecord(raw) || raw.version !== 1 || !isRecord(raw.sessions)) return state;
  for (const [id, session] of Object.entries(raw.sessions)) {
    if (isRecord(session) && typeof session.at === 'string' && typeof session.events === 'number') state.sessions[id] = { at: session.at, events: session.events };
  }
  return state;
}

/**
 * The transcript files of each session, by Claude Code's layout (reference/claude-code.md §4.1):
 * `<project>/<session>.jsonl` and `<project>/<session>/subagents/*.jsonl`. Names go through the
 * same safeId as the lines' sessionId, so they match the reader's session ids.
 */
async function filesBySession(roots: readonly string[], hash: Hasher): Promise<Map<string, string[]>> {
  const files = new Map<string, { main: string[]; subagents: string[] }>();
  const add = (sessionName: string, path: string, kind: 'main' | 'subagents') => {
    const id = safeId(sessionName, hash);
    if (id === undefined) return;
    const entry = files.get(id) ?? { main: [], subagents: [] };
    entry[kind].push(path);
    files.set(id, entry);
  };
  for (const root of roots) {
    for (const path of await listTranscriptFiles(root)) {
      const folder = dirname(path);
      if (basename(folder) === 'subagents') add(basename(dirname(folder)), path, 'subagents');
      else add(basename(path, '.jsonl'), path, 'main');
    }
  }
  return new Map([...files].map(([id, entry]) => [id, [...entry.main, ...entry.subagents]]));
}

/** Every line of a file as parsed JSON; lines that are not JSON (a torn write) are left out. */
async function readLines(path: string): Promise<unknown[]> {
  const lines: unknown[] = [];
  for (const text of (await readFile(path, 'utf8')).split('\n')) {
    if (text.trim() === '') continue;
    try {
      lines.push(JSON.parse(text));
    } catch {
      // Skipped like the tailer's corrupt lines; the rest of the session still counts.
    }
  }
  return lines;
}

export class TranscriptBackfill {
  private readonly options: TranscriptBackfillOptions;
  private readonly hash: Hasher;
  private readonly log: Log;
  private readonly now: () => number;
  private readonly quietMs: number;
  private readonly state: BackfillState;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: TranscriptBackfillOptions) {
    this.options = options;
    this.hash = createHasher(options.secret);
    this.log = options.log ?? silentLog;
    this.now = options.now ?? Date.now;
    this.quietMs = options.quietMs ?? DEFAULT_BACKFILL_QUIET_MS;
    this.state = options.store?.load() ?? emptyBackfillState();
  }

  /** Runs a pass now and then every intervalMs, until close(). */
  start(): void {
    if (this.closed || this.timer) return;
    const tick = () => {
      void this.runPass()
        .catch((error: unknown) => this.log.error('transcript_backfill_failed', { code: (error as Error).name }))
        .finally(() => {
          if (!this.closed) this.timer = setTimeout(tick, this.options.intervalMs ?? DEFAULT_BACKFILL_INTERVAL_MS);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops the timer and waits for the pass in flight. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  isBackfilled(sessionId: string): boolean {
    return Object.hasOwn(this.state.sessions, sessionId);
  }

  /** One pass over the sessions seen; passes never overlap. */
  runPass(): Promise<BackfillPassReport> {
    const pass = this.running.catch(() => undefined).then(() => this.pass());
    this.running = pass;
    return pass;
  }

  private async pass(): Promise<BackfillPassReport> {
    const report: BackfillPassReport = { candidates: 0, waiting: 0, backfilled: 0, events: 0, failed: 0 };
    const now = this.now();
    const notDone = this.options.sessions().filter((session) => !this.isBackfilled(session.session_id));
    const candidates = sessionsWithoutHooks(notDone, this.options.hasHookEvents);
    report.candidates = candidates.length;
    const quiet = candidates.filter((session) => now - Date.parse(session.last_timestamp) >= this.quietMs);
    report.waiting = candidates.length - quiet.length;
    if (quiet.length === 0) return report;
    const files = await filesBySession(this.options.roots, this.hash);
    let changed = false;
    for (const session of quiet) {
      const paths = files.get(session.session_id) ?? [];
      try {
        // The reader's last sighting may lag behind a file still being written: its mtime decides too.
        const modified = await Promise.all(paths.map(async (path) => (await stat(path)).mtimeMs));
        if (modified.some((mtimeMs) => now - mtimeMs < this.quietMs)) {
          report.waiting++;
          continue;
        }
        const lines: unknown[] = [];
        for (const path of paths) lines.push(...(await readLines(path)));
        const events = transcriptBackfillEvents(session.session_id, lines, this.hash);
        if (events.length > 0) await this.options.deliver(events);
        this.state.sessions[session.session_id] = { at: new Date(now).toISOString(), events: events.length };
        changed = true;
        report.backfilled++;
        report.events += events.length;
      } catch (error) {
        report.failed++;
        this.log.warn('transcript_backfill_session_failed', { code: (error as NodeJS.ErrnoException).code ?? (error as Error).name });
      }
    }
    if (changed) this.options.store?.save(this.state);
    if (report.backfilled > 0 || report.failed > 0) this.log.info('transcript_backfill', { ...report });
    return report;
  }
}
