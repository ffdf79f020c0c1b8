// Backfills the sessions whose hooks never fired: among the sessions the transcript reader saw,
// those quiet for a while (so a live session whose hooks are about to report is not counted twice)
// and without any stored hook event get their transcript read whole once and turned into the
// hooks' events (transcript-backfill-events.ts). Which sessions were settled (backfilled, or found
// to have hook events) is saved, so a restart never looks at them again; a session whose files
// cannot be read or whose delivery fails is left to the next pass.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { createHasher, isRecord, safeId, type Hasher } from '../capture/safe-values.ts';
import type { Platform, TelemetryEvent } from '../event/envelope.ts';
import type { Log } from '../log.ts';
import { silentLog } from '../log.ts';
import { transcriptBackfillEvents } from './transcript-backfill-events.ts';
import { listTranscriptFiles } from './transcript-scan.ts';
import { sessionsWithoutHooks, type TranscriptSession } from './transcript-sessions.ts';

export interface BackfilledSession {
  /** ISO-8601 UTC of the pass that settled it. */
  at: string;
  /** Events delivered (0 for a session that had hook events). */
  events: number;
  /** The session had hook events when it went quiet: it was left to them. */
  hooks?: true;
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
  /** Whether any event of the session came from a hook (not from the transcript or database monitors). */
  hasHookEvents: (platform: Platform, sessionId: string) => boolean;
  /** Stores the events; may throw (the session is tried again on the next pass). */
  deliver: (events: TelemetryEvent[]) => void | Promise<void>;
  store?: BackfillStateStore;
  /** A session is looked at only once its last line and its files are this old. */
  quietMs?: number;
  /** Time between passes, once started. */
  intervalMs?: number;
  now?: () => number;
  log?: Log;
}

export interface BackfillPassReport {
  /** Sessions seen and not settled yet. */
  candidates: number;
  /** Candidates not quiet yet. */
  waiting: number;
  /** Quiet candidates that had hook events (settled, nothing delivered). */
  hooked: number;
  backfilled: number;
  events: number;
  /** Sessions whose files could not be read or whose delivery failed: tried again next pass. */
  failed: number;
}

export const DEFAULT_BACKFILL_QUIET_MS = 10 * 60_000;
export const DEFAULT_BACKFILL_INTERVAL_MS = 60_000;

function emptyReport(): BackfillPassReport {
  return { candidates: 0, waiting: 0, hooked: 0, backfilled: 0, events: 0, failed: 0 };
}

export function emptyBackfillState(): BackfillState {
  return { version: 1, sessions: {} };
}

/** Keeps only well-formed entries of a state read back from storage. */
export function sanitizeBackfillState(raw: unknown): BackfillState {
  const state = emptyBackfillState();
  if (!isRecord(raw) || raw.version !== 1 || !isRecord(raw.sessions)) return state;
  for (const [id, session] of Object.entries(raw.sessions)) {
    if (!isRecord(session) || typeof session.at !== 'string' || typeof session.events !== 'number') continue;
    state.sessions[id] = { at: session.at, events: session.events, ...(session.hooks === true ? { hooks: true as const } : {}) };
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
  private started = false;
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
    if (this.closed || this.started) return;
    this.started = true;
    const tick = () => {
      this.timer = undefined;
      void this.runPass()
        .catch((error: unknown) => this.log.error('transcript_backfill_failed', { code: (error as Error).name }))
        .finally(() => {
          if (this.closed) return;
          this.timer = setTimeout(tick, this.options.intervalMs ?? DEFAULT_BACKFILL_INTERVAL_MS);
          this.timer.unref();
        });
    };
    tick();
  }

  /** Stops the timer and waits for the pass in flight. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  /** Backfilled, or left to its hook events. */
  isSettled(sessionId: string): boolean {
    return Object.hasOwn(this.state.sessions, sessionId);
  }

  /** One pass over the sessions seen; passes never overlap. */
  runPass(): Promise<BackfillPassReport> {
    const pass = this.running.catch(() => undefined).then(() => (this.closed ? emptyReport() : this.pass()));
    this.running = pass;
    return pass;
  }

  private settle(sessionId: string, now: number, events: number, hooks: boolean): void {
    this.state.sessions[sessionId] = { at: new Date(now).toISOString(), events, ...(hooks ? { hooks: true as const } : {}) };
  }

  private async pass(): Promise<BackfillPassReport> {
    const report = emptyReport();
    const now = this.now();
    const candidates = this.options.sessions().filter((session) => !this.isSettled(session.session_id));
    report.candidates = candidates.length;
    // Quiet first: hook events of a live session may still be on their way (a spool, the stream).
    const quiet = candidates.filter((session) => now - Date.parse(session.last_timestamp) >= this.quietMs);
    report.waiting = candidates.length - quiet.length;
    const hookless = sessionsWithoutHooks(quiet, (sessionId) => this.options.hasHookEvents('claude_code', sessionId));
    const toBackfill = new Set(hookless.map((session) => session.session_id));
    for (const session of quiet) {
      if (toBackfill.has(session.session_id)) continue;
      this.settle(session.session_id, now, 0, true);
      report.hooked++;
    }
    let changed = report.hooked > 0;
    const files = hookless.length > 0 ? await filesBySession(this.options.roots, this.hash) : new Map<string, string[]>();
    for (const session of hookless) {
      const paths = files.get(session.session_id) ?? [];
      try {
        // The reader's last sighting may lag behind a file still being written: its mtime decides too.
        const modified = await Promise.all(paths.map(async (path) => (await stat(path)).mtimeMs));
        if (modified.some((mtimeMs) => now - mtimeMs < this.quietMs)) {
          report.waiting++;
          continue;
        }
        let lines: unknown[] = [];
        for (const path of paths) lines = lines.concat(await readLines(path));
        const events = transcriptBackfillEvents(session.session_id, lines, this.options.secret);
        if (events.length > 0) await this.options.deliver(events);
        this.settle(session.session_id, now, events.length, false);
        changed = true;
        report.backfilled++;
        report.events += events.length;
      } catch (error) {
        report.failed++;
        this.log.warn('transcript_backfill_session_failed', { code: (error as NodeJS.ErrnoException).code ?? (error as Error).name });
      }
    }
    if (changed) this.options.store?.save(this.state);
    if (report.backfilled > 0 || report.failed > 0 || report.hooked > 0) this.log.info('transcript_backfill', { ...report });
    return report;
  }
}
