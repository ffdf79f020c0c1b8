// The insights worker, the slow path's lowest priority: it notes the sessions each batch of CDC
// entries touched and, at most every INSIGHTS_INTERVAL_MS, runs the rules (core/insights) for them
// against the last 24 h and the 7 days before, from the metrics workers' state, and records the
// findings in SQLite (InsightStore: upserts, resolves what no longer holds). Noting is all that
// happens per entry, so a burst never waits on the rules; what a crash loses between noting and
// running is recovered on start, when every session active in the last 24 h is looked at again.
import type { Database } from 'better-sqlite3';
import type { CdcEntry } from '../fast-path/cdc-entry.ts';
import { deriveInsights } from '../insights/derive-insights.ts';
import type { ScopeFindings } from '../insights/finding.ts';
import { insightInput, insightWindows } from '../insights/insight-input.ts';
import { InsightStore } from '../insights/insight-store.ts';
import type { Log } from '../log.ts';
import type { CdcWorker } from './cdc-consumer.ts';
import type { MetricsState } from './metrics-state.ts';
import { sessionsOf, type SessionName } from './metrics-worker.ts';
import { sessionKey } from './session-source.ts';

export const INSIGHTS_INTERVAL_MS = 10_000;

export interface InsightsWorkerOptions {
  db: Database;
  state: () => MetricsState;
  sessionAt: (sequence: number) => SessionName | undefined;
  log: Log;
  now?: () => number;
  intervalMs?: number;
}

export interface InsightsRunReport {
  sessions: number;
  findings: number;
  resolved: number;
}

export class InsightsWorker implements CdcWorker {
  readonly name = 'insights';
  readonly lanes = 1;
  private readonly options: InsightsWorkerOptions;
  private readonly store: InsightStore;
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: InsightsWorkerOptions) {
    this.options = options;
    this.store = new InsightStore(options.db);
  }

  takes(): boolean {
    return true;
  }

  async handle(entries: readonly CdcEntry[]): Promise<void> {
    for (const { platform, sessionId } of sessionsOf(entries, this.options.sessionAt)) this.dirty.add(sessionKey(platform, sessionId));
    this.schedule();
  }

  /** Every session active in the last 24 h, looked at once before the first entry. */
  async prepare(): Promise<void> {
    const { recent } = insightWindows(this.now());
    for (const [key, session] of this.options.state().sessions) if (session.lastMs >= recent.start) this.dirty.add(key);
    this.run();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Runs the rules for the sessions noted since the last run. */
  run(): InsightsRunReport {
    const report: InsightsRunReport = { sessions: 0, findings: 0, resolved: 0 };
    if (this.dirty.size === 0) return report;
    const now = this.now();
    const state = this.options.state();
    const windows = insightWindows(now);
    const windowed = {
      recent: state.windowedSessions(windows.recent).map(({ metrics }) => metrics),
      baseline: state.windowedSessions(windows.baseline).map(({ metrics }) => metrics),
    };
    // Sessions of one project share its scopes (and every session the `all` scope): each scope's
    // findings are recorded once per run.
    const byScope = new Map<string, ScopeFindings>();
    for (const key of this.dirty) {
      this.dirty.delete(key);
      const session = state.sessions.get(key);
      if (!session) continue;
      report.sessions++;
      for (const found of deriveInsights(insightInput(session.metrics, windowed, { priceOf: state.prices }))) byScope.set(`${found.scope}\u0000${found.scopeKey}`, found);
    }
    for (const { scope, scopeKey, findings } of byScope.values()) {
      report.findings += findings.length;
      report.resolved += this.store.record(scope, scopeKey, findings, now).resolved;
    }
    this.options.log.info('insights_run', { ...report });
    return report;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.run();
      } catch (error) {
        this.options.log.error('insights_failed', { error: (error as Error).message });
      }
    }, this.options.intervalMs ?? INSIGHTS_INTERVAL_MS);
    this.timer.unref();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
