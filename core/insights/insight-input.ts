// What the rules read: the metrics of the scopes one updated session belongs to, each over a
// recent window and a baseline window, and the windows themselves, so the worker that fills the
// input (from aggregateMetrics over windowed session metrics) and the rules agree on them.
//
// Recent = the last 24 h. Baseline = the 7 days before that, [now − 8 d, now − 24 h): disjoint
// from the recent window, so a bad day is compared with the week before it instead of with a
// week that contains it (which would pull the baseline towards the spike and, for a new user
// whose whole history is today, make every comparison a comparison with itself).
import { aggregateMetrics, PERIODS, periodWindow, type AggregateMetrics } from '../metrics/aggregate-metrics.ts';
import type { MetricsTally } from '../metrics/metrics-tally.ts';
import type { DeriveOptions, MetricsView } from '../metrics/metrics-view.ts';
import type { SessionMetrics } from '../metrics/session-metrics.ts';
import type { Window } from '../metrics/session-timing.ts';
import type { Finding, InsightScope } from './finding.ts';

export interface InsightWindows {
  recent: Window;
  baseline: Window;
}

export function insightWindows(now: number): InsightWindows {
  const recent = periodWindow('24h', now);
  return { recent, baseline: { start: recent.start - PERIODS['7d'], end: recent.start } };
}

/** A scope's aggregates over insightWindows(now). */
export interface ScopeViews {
  /** Project hash, platform name, or 'all'. */
  key: string;
  recent: AggregateMetrics;
  baseline: AggregateMetrics;
}

export interface InsightInput {
  /**
   * The session just updated, whole (computeSessionMetrics without a window). Compared with the
   * baseline of the closest scope whose baseline window holds any event: its project (same code
   * base, same habits), else its platform (same tools), else all sessions. A session older than
   * 24 h overlaps its own baseline a little; the rules' effect sizes are large enough for that.
   */
  session?: SessionMetrics;
  project?: ScopeViews;
  platform?: ScopeViews;
  all?: ScopeViews;
}

/** Every session with activity in each window, computed in that window (computeSessionMetrics' `window`). */
export interface WindowedSessions {
  recent: readonly SessionMetrics[];
  baseline: readonly SessionMetrics[];
}

/** The input for one updated session: it, and its project, its platform and all sessions over both windows. */
export function insightInput(session: SessionMetrics, windowed: WindowedSessions, options: DeriveOptions = {}): InsightInput {
  const views = (key: string, belongs: (other: SessionMetrics) => boolean): ScopeViews => ({
    key,
    recent: aggregateMetrics(windowed.recent.filter(belongs), options),
    baseline: aggregateMetrics(windowed.baseline.filter(belongs), options),
  });
  const input: InsightInput = {
    session,
    platform: views(session.platform, (other) => other.platform === session.platform),
    all: views('all', () => true),
  };
  const project = session.project_hash;
  if (project !== undefined) input.project = views(project, (other) => other.project_hash === project);
  return input;
}

/** Metrics of the scope under test, with the tally the exact samples come from. */
export type MeasuredView = MetricsView & { tally: MetricsTally };

/** One comparison the rules make: a scope's current metrics and its baseline, if it has one. */
export interface Comparison {
  scope: InsightScope;
  scopeKey: string;
  current: MeasuredView;
  baseline?: MeasuredView;
}

/** A rule: what holds for one comparison (nothing, if its inputs are unavailable or too few). */
export type InsightRule = (comparison: Comparison) => Finding[];

/** A session's scope key: session ids are unique per platform only. */
export function sessionScopeKey(session: Pick<SessionMetrics, 'platform' | 'session_id'>): string {
  return `${session.platform}:${session.session_id}`;
}

/** The scopes an input gives as aggregates, in the order they are evaluated. */
export const AGGREGATE_SCOPES = ['project', 'platform', 'all'] as const;

/** The comparisons an input asks for, session first, then project, platform, all. */
export function comparisonsOf(input: InsightInput): Comparison[] {
  const comparisons: Comparison[] = [];
  if (input.session) {
    const baseline = [input.project, input.platform, input.all].find((views) => views && views.baseline.quality.events > 0)?.baseline;
    comparisons.push({ scope: 'session', scopeKey: sessionScopeKey(input.session), current: input.session, ...(baseline ? { baseline } : {}) });
  }
  for (const scope of AGGREGATE_SCOPES) {
    const views = input[scope];
    if (views) comparisons.push({ scope, scopeKey: views.key, current: views.recent, baseline: views.baseline });
  }
  return comparisons;
}
