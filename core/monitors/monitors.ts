// Layer 1 beyond hooks, as one service the daemon starts with its pipeline: the Claude Code
// transcript monitor (token usage per API response) and the Cursor database monitor (composer
// snapshots, generations, daily line counts). Both hand sanitized envelopes to the fast path's
// EventSink, the same write path as the spool drain (same validation, INSERT OR IGNORE on their
// stable event ids, CDC for the slow path). Their read positions are saved under the data folder,
// so a restart reads only what is new. After the transcript monitor's first pass, the transcript
// backfill gives sessions whose hooks never fired the hook events their transcripts tell of.
import type { Database } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CursorMonitor, jsonFileCursorStateStore } from '../cursor-db/cursor-monitor.ts';
import { buildCursorEvent } from '../cursor-db/cursor-events.ts';
import type { CursorRecord } from '../cursor-db/cursor-events.ts';
import { loadOrCreateSecret } from '../data-folder.ts';
import type { EventType, Platform, TelemetryEvent } from '../event/envelope.ts';
import type { EventSink } from '../fast-path/ingest-service.ts';
import type { Log } from '../log.ts';
import { buildTokenUsageEvent, TOKEN_USAGE_EVENT_TYPE } from '../transcripts/token-usage-event.ts';
import { sanitizeBackfillState, TranscriptBackfill } from '../transcripts/transcript-backfill.ts';
import type { UsageRecord } from '../transcripts/transcript-line.ts';
import { jsonFileStore, sanitizeReaderState } from '../transcripts/transcript-state.ts';
import { TranscriptTailer } from '../transcripts/transcript-tailer.ts';
import { TranscriptWatcher } from '../transcripts/transcript-watcher.ts';
import type { MonitorSettings } from './monitor-settings.ts';

export const TRANSCRIPT_STATE_FILE = 'transcript-state.json';
export const CURSOR_STATE_FILE = 'cursor-state.json';
export const BACKFILL_STATE_FILE = 'transcript-backfill.json';

/** What the monitors themselves store: these never show that a session's hooks fired. */
const MONITOR_EVENT_TYPES: readonly EventType[] = [TOKEN_USAGE_EVENT_TYPE, 'composer_update', 'generation', 'daily_code_stats'];

export interface MonitorsOptions {
  home: string;
  settings: MonitorSettings;
  sink: EventSink;
  log: Log;
  /** The store's connection (TelemetryStore#connection), to ask whether a session has hook events; without it, no backfill. */
  db?: Database;
}

/** Whether raw_traces holds an event of the session that a hook (or an earlier backfill) stored. */
export function hookEventQuery(db: Database): (platform: Platform, sessionId: string) => boolean {
  const statement = db.prepare(
    `SELECT 1 FROM raw_traces WHERE session_id = ? AND platform = ? AND event_type NOT IN (${MONITOR_EVENT_TYPES.map(() => '?').join(', ')}) LIMIT 1`,
  );
  return (platform, sessionId) => statement.get(sessionId, platform, ...MONITOR_EVENT_TYPES) !== undefined;
}

/** Commits envelopes through the sink; throws when the commit fails, so the monitor keeps them and retries. */
function commitAll(sink: EventSink, events: readonly TelemetryEvent[]): void {
  if (events.length > 0) sink.commitEvents(events.map((event) => ({ event, json: JSON.stringify(event) })));
}

export class Monitors {
  private readonly options: MonitorsOptions;
  private transcripts: TranscriptWatcher | undefined;
  private backfill: TranscriptBackfill | undefined;
  private cursor: CursorMonitor | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: MonitorsOptions) {
    this.options = options;
  }

  /**
   * Starts both monitors; their first passes run on in the background (a large history takes a
   * while). The backfill starts once the transcript monitor's first pass and `backfillAfter` (the
   * spool drain's first pass: spooled hook events must be stored before a session counts as hookless) are done.
   */
  start(backfillAfter: Promise<unknown> = Promise.resolve()): void {
    const { home, settings, sink, log, db } = this.options;
    const secret = loadOrCreateSecret(home);
    const roots = settings.claudeProjects.filter((root) => existsSync(root));
    if (roots.length > 0) {
      const store = jsonFileStore(join(home, TRANSCRIPT_STATE_FILE), sanitizeReaderState);
      const tailer = new TranscriptTailer({ secret, state: store.load(), log });
      this.transcripts = new TranscriptWatcher({
        roots,
        tailer,
        store,
        log,
        deliver: (records: UsageRecord[]) => commitAll(sink, records.map(buildTokenUsageEvent)),
      });
      const firstPass = this.transcripts.start();
      void firstPass.catch((error: unknown) => log.error('transcript_monitor_failed', { code: (error as Error).name }));
      if (db) {
        const backfill = new TranscriptBackfill({
          secret,
          roots,
          sessions: () => tailer.sessions(),
          hasHookEvents: hookEventQuery(db),
          deliver: (events: TelemetryEvent[]) => commitAll(sink, events),
          store: jsonFileStore(join(home, BACKFILL_STATE_FILE), sanitizeBackfillState),
          log,
        });
        this.backfill = backfill;
        void Promise.all([firstPass, backfillAfter.catch(() => undefined)]).then(
          () => backfill.start(),
          () => undefined,
        );
      }
    }
    log.info('transcript_monitor', { roots: roots.length, configured: settings.claudeProjects.length });
    if (settings.cursorUserDirs.length > 0) {
      this.cursor = new CursorMonitor({
        secret,
        userDirs: settings.cursorUserDirs,
        store: jsonFileCursorStateStore(join(home, CURSOR_STATE_FILE)),
        log,
        deliver: (records: CursorRecord[]) => commitAll(sink, records.map((record) => buildCursorEvent(record))),
      });
      void this.cursor.start().catch((error: unknown) => log.error('cursor_monitor_failed', { code: (error as Error).name }));
    }
  }

  /** Stops all three after the work in flight and saves their positions. Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.backfill?.close(), this.transcripts?.close(), this.cursor?.close()]).then(() => undefined);
    return this.closing;
  }
}
