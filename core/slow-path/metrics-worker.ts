// The metrics worker: for each CDC entry it reads the stored row by sequence to learn its
// session, then recomputes every session the batch touched from all of that session's stored
// events (so an edit's outcome, a revert or a late token record lands where it belongs) and
// writes the new snapshots, series points and current session to Redis.
import type { Platform } from '../event/envelope.ts';
import type { CdcEntry } from '../fast-path/cdc-entry.ts';
import type { CdcWorker } from './cdc-consumer.ts';
import type { MetricsRedisWriter } from './metrics-redis.ts';
import type { MetricsState, ScopeKey, TrackedSession } from './metrics-state.ts';
import type { PointKey } from './metrics-series.ts';
import { NO_SESSION, sessionKey } from './session-source.ts';

export interface SessionName {
  platform: Platform;
  sessionId: string;
}

/** The sessions a batch of CDC entries belongs to, read by sequence (rows that are gone are skipped). */
export function sessionsOf(entries: readonly CdcEntry[], sessionAt: (sequence: number) => SessionName | undefined): SessionName[] {
  const sessions = new Map<string, SessionName>();
  for (const entry of entries) {
    const session = sessionAt(entry.sequence);
    if (!session || session.sessionId === NO_SESSION) continue;
    sessions.set(sessionKey(session.platform, session.sessionId), session);
  }
  return [...sessions.values()];
}

export interface MetricsWorkerOptions {
  state: () => MetricsState;
  writer: MetricsRedisWriter;
  sessionAt: (sequence: number) => SessionName | undefined;
  /** Called after each write, to schedule the period views. */
  onChange: () => void;
  now?: () => number;
}

export class MetricsWorker implements CdcWorker {
  readonly name = 'metrics';
  readonly lanes = 2;
  private readonly options: MetricsWorkerOptions;

  constructor(options: MetricsWorkerOptions) {
    this.options = options;
  }

  /** Every event counts somewhere (events per bucket, hook errors in data quality). */
  takes(): boolean {
    return true;
  }

  async handle(entries: readonly CdcEntry[]): Promise<void> {
    const { sessionAt, writer, onChange } = this.options;
    const state = this.options.state();
    const now = (this.options.now ?? Date.now)();
    const changed: TrackedSession[] = [];
    const touched = new Map<ScopeKey, Set<PointKey>>();
    for (const { platform, sessionId } of sessionsOf(entries, sessionAt)) {
      // One session at a time, then the fast path's callbacks get their turn: ingest comes first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const change = state.refresh(platform, sessionId, now);
      if (!change) continue;
      changed.push(change.session);
      for (const [scope, keys] of change.touched) {
        const all = touched.get(scope) ?? new Set<PointKey>();
        for (const key of keys) all.add(key);
        touched.set(scope, all);
      }
    }
    // Cursor's daily line counts belong to no session, but to the period views.
    const dailyCounts = entries.some((entry) => entry.event_type === 'daily_code_stats');
    if (changed.length > 0) await writer.writeSessions(changed, touched, state, now);
    if (changed.length > 0 || dailyCounts) onChange();
  }
}
