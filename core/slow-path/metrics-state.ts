// What the metrics workers know, in memory: each session active in the last 30 days with its
// metrics (recomputed whole from its stored events whenever it changes) and its share of the time
// series, plus the series of every scope as the sum of those shares. Period views (1h/24h/7d/30d
// per scope) are computed from the sessions on demand: a session entirely inside a period counts
// with its whole tally, one that began before it is recomputed in the window (the engine's
// `window`), so slices never count an item twice. Everything here is a function of raw_traces at a
// given `now`: the live path and `metrics rebuild` build the same state.
import type { Platform } from '../event/envelope.ts';
import { aggregateMetrics, PERIODS, periodWindow, type AggregateMetrics, type Period } from '../metrics/aggregate-metrics.ts';
import { cursorLineAcceptance, type CursorLineAcceptance } from '../metrics/cursor-line-acceptance.ts';
import { computeSessionMetrics, type SessionMetrics } from '../metrics/session-metrics.ts';
import type { Window } from '../metrics/session-timing.ts';
import type { PriceOf } from '../metrics/token-usage.ts';
import { applyShare, isExpired, sessionSeries, type PointKey, type SeriesPoint } from './metrics-series.ts';
import { sessionKey, type SessionRef, type SessionSource } from './session-source.ts';

/** The longest period and series retention: sessions quiet for longer leave memory. */
export const TRACKED_MS = PERIODS['30d'];

export interface TrackedSession {
  ref: SessionRef;
  metrics: SessionMetrics;
  firstMs: number;
  lastMs: number;
  series: Map<PointKey, SeriesPoint>;
}

/** `all`, `project:<hash>` or `platform:<name>`. */
export type ScopeKey = string;

export function scopesOf(session: SessionMetrics): ScopeKey[] {
  const scopes = ['all', `platform:${session.platform}`];
  if (session.project_hash !== undefined) scopes.push(`project:${session.project_hash}`);
  return scopes;
}

export interface SessionChange {
  session: TrackedSession;
  /** Series points whose value changed, per scope. */
  touched: Map<ScopeKey, Set<PointKey>>;
}

export class MetricsState {
  readonly sessions = new Map<string, TrackedSession>();
  readonly series = new Map<ScopeKey, Map<PointKey, SeriesPoint>>();
  private readonly source: SessionSource;
  private readonly priceOf: PriceOf;

  constructor(source: SessionSource, priceOf: PriceOf) {
    this.source = source;
    this.priceOf = priceOf;
  }

  /** Recomputes one session from its stored events; undefined if it has none left, or none in the last TRACKED_MS. */
  refresh(platform: Platform, sessionId: string, now: number): SessionChange | undefined {
    const ref = this.source.session(platform, sessionId);
    const events = ref ? this.source.events(platform, sessionId) : [];
    const key = sessionKey(platform, sessionId);
    const previous = this.sessions.get(key);
    const touched = new Map<ScopeKey, Set<PointKey>>();
    if (previous) this.moveShare(previous, -1, touched);
    // A session quiet for longer than TRACKED_MS (say, old history a monitor just read) is not
    // tracked: a rebuild would not load it either.
    if (!ref || events.length === 0 || Date.parse(ref.lastSeen) < now - TRACKED_MS) {
      this.sessions.delete(key);
      return undefined;
    }
    const metrics = computeSessionMetrics(events, { priceOf: this.priceOf });
    const session: TrackedSession = {
      ref,
      metrics,
      firstMs: Date.parse(metrics.first_event_at ?? ref.firstSeen),
      lastMs: Date.parse(metrics.last_event_at ?? ref.lastSeen),
      series: sessionSeries(events, now),
    };
    this.sessions.set(key, session);
    this.moveShare(session, 1, touched);
    return { session, touched };
  }

  private moveShare(session: TrackedSession, sign: 1 | -1, touched: Map<ScopeKey, Set<PointKey>>): void {
    for (const scope of scopesOf(session.metrics)) {
      let points = this.series.get(scope);
      if (!points) this.series.set(scope, (points = new Map()));
      let keys = touched.get(scope);
      if (!keys) touched.set(scope, (keys = new Set()));
      applyShare(points, session.series, sign, keys);
      if (points.size === 0) this.series.delete(scope);
    }
  }

  /**
   * Forgets sessions quiet for longer than TRACKED_MS and series points past their retention;
   * returns the points removed, per scope, so their Redis copies can go too.
   */
  expire(now: number): Map<ScopeKey, Set<PointKey>> {
    const removed = new Map<ScopeKey, Set<PointKey>>();
    for (const [key, session] of this.sessions) {
      if (session.lastMs < now - TRACKED_MS) {
        this.moveShare(session, -1, removed);
        this.sessions.delete(key);
      }
    }
    for (const [scope, points] of this.series) {
      for (const key of points.keys()) {
        if (!isExpired(key, now)) continue;
        points.delete(key);
        if (!removed.has(scope)) removed.set(scope, new Set());
        removed.get(scope)!.add(key);
      }
      if (points.size === 0) this.series.delete(scope);
    }
    for (const session of this.sessions.values()) for (const key of session.series.keys()) if (isExpired(key, now)) session.series.delete(key);
    return removed;
  }

  /**
   * Every tracked session with activity in the window, computed in it: whole when the session lies
   * inside, recomputed with the engine's `window` when it began before (or runs past) it.
   */
  windowedSessions(window: Window): Array<{ session: TrackedSession; metrics: SessionMetrics }> {
    const found: Array<{ session: TrackedSession; metrics: SessionMetrics }> = [];
    for (const session of this.sessions.values()) {
      if (session.lastMs < window.start || session.firstMs >= window.end) continue;
      const inside = session.firstMs >= window.start && session.lastMs < window.end;
      const metrics = inside ? session.metrics : computeSessionMetrics(this.source.events(session.ref.platform, session.ref.sessionId), { priceOf: this.priceOf, window });
      found.push({ session, metrics });
    }
    return found;
  }

  /** The period views of every scope that has a session in the period. */
  periodViews(now: number): Map<ScopeKey, Partial<Record<Period, AggregateMetrics>>> {
    return this.viewsOver((Object.keys(PERIODS) as Period[]).map((period) => [period, periodWindow(period, now)]));
  }

  /**
   * The views of the period before each period (the change a reader compares against), for the
   * periods whose previous window lies inside the TRACKED_MS this state keeps: 1h, 24h, 7d.
   */
  previousPeriodViews(now: number): Map<ScopeKey, Partial<Record<Period, AggregateMetrics>>> {
    const periods = (Object.keys(PERIODS) as Period[]).filter((period) => 2 * PERIODS[period] <= TRACKED_MS);
    return this.viewsOver(periods.map((period) => [period, periodWindow(period, now - PERIODS[period])]));
  }

  private viewsOver(windows: ReadonlyArray<readonly [Period, Window]>): Map<ScopeKey, Partial<Record<Period, AggregateMetrics>>> {
    const views = new Map<ScopeKey, Partial<Record<Period, AggregateMetrics>>>();
    for (const [period, window] of windows) {
      const byScope = new Map<ScopeKey, SessionMetrics[]>();
      for (const { session, metrics } of this.windowedSessions(window)) {
        for (const scope of scopesOf(session.metrics)) {
          const list = byScope.get(scope);
          if (list) list.push(metrics);
          else byScope.set(scope, [metrics]);
        }
      }
      for (const [scope, sessions] of byScope) {
        const entry = views.get(scope) ?? {};
        entry[period] = aggregateMetrics(sessions, { priceOf: this.priceOf });
        views.set(scope, entry);
      }
    }
    return views;
  }

  /** Cursor's own daily line counts over each period (they name no session: platform and all scopes only). */
  cursorLines(now: number): Record<Period, CursorLineAcceptance> {
    const records = this.source.dailyCodeStats(new Date(now - PERIODS['30d'] - PERIODS['24h']).toISOString());
    const lines = {} as Record<Period, CursorLineAcceptance>;
    for (const period of Object.keys(PERIODS) as Period[]) lines[period] = cursorLineAcceptance(records, periodWindow(period, now));
    return lines;
  }

  /** The price lookup the metrics were computed with. */
  get prices(): PriceOf {
    return this.priceOf;
  }

  /** The session with the latest activity: the status bar's "current session". */
  currentSession(): TrackedSession | undefined {
    let current: TrackedSession | undefined;
    for (const session of this.sessions.values()) if (!current || session.lastMs > current.lastMs) current = session;
    return current;
  }
}
