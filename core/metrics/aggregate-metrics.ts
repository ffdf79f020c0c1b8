// Project, platform and period views: the merge of session metrics (whole sessions, or their
// slices in a period window, computeSessionMetrics' `window`).
//
// - Every rate is Σ numerators / Σ denominators over the merged tally, never an average of rates;
//   every percentile is taken over the merged exact samples (percentile.ts). The merge is
//   associative and commutative, so the order sessions arrive in, and whether the view was
//   rebuilt from raw_traces or kept up incrementally, cannot change a number.
// - Session-level values group the inputs by session (platform + session_id): several slices of
//   one session are merged back into it first. sessions = distinct sessions; prompts_per_session =
//   Σ prompts / sessions; session_duration_ms and productivity_score are distributions over the
//   sessions (a score is an index, not a rate, and has no numerator to add); completion_rate =
//   sessions ended normally / sessions.
import type { Platform } from '../event/envelope.ts';
import { ratio, unavailable, type Metric } from './metric-value.ts';
import { mergeAllTallies, mergeTallies, type MetricsTally } from './metrics-tally.ts';
import { deriveMetrics, type DeriveOptions, type MetricsView } from './metrics-view.ts';
import { sortSamples, summarizeOrNoData, type DistributionSummary } from './percentile.ts';
import { productivityScore } from './productivity-score.ts';
import type { SessionMetrics } from './session-metrics.ts';
import type { Window } from './session-timing.ts';

export interface AggregateMetrics extends MetricsView {
  sessions: number;
  sessions_per_platform: Record<Platform, number>;
  prompts_per_session: Metric<number>;
  session_duration_ms: Metric<DistributionSummary>;
  productivity_score: Metric<DistributionSummary>;
  sessions_ended: number;
  sessions_ended_normally: number;
  /** sessions_ended_normally / sessions. */
  completion_rate: Metric<number>;
  tally: MetricsTally;
}

export const PERIODS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type Period = keyof typeof PERIODS;

/** The window of a period ending at `now` (exclusive): [now − length, now). */
export function periodWindow(period: Period, now: number): Window {
  return { start: now - PERIODS[period], end: now };
}

interface SessionGroup {
  first: SessionMetrics;
  tally: MetricsTally;
}

function sessionKey(session: SessionMetrics): string {
  return `${session.platform}\u0000${session.session_id}`;
}

export function aggregateMetrics(sessions: readonly SessionMetrics[], options: DeriveOptions = {}): AggregateMetrics {
  const groups = new Map<string, SessionGroup>();
  for (const session of sessions) {
    const key = sessionKey(session);
    const group = groups.get(key);
    if (group) group.tally = mergeTallies(group.tally, session.tally);
    else groups.set(key, { first: session, tally: session.tally });
  }
  const ordered = [...groups.keys()].sort().map((key) => groups.get(key)!);
  const sessionTallies: MetricsTally[] = [];
  const durations: number[] = [];
  const scores: number[] = [];
  let ended = 0;
  let endedNormally = 0;
  for (const group of ordered) {
    // Slices of one session count as one session per platform, not one per slice.
    const sessionTally: MetricsTally = { ...group.tally, platforms: { claude_code: 0, cursor: 0 } };
    sessionTally.platforms[group.first.platform] = 1;
    sessionTallies.push(sessionTally);
    durations.push(group.tally.timing.span_ms);
    scores.push(productivityScore(deriveMetrics(group.tally), group.first.ended_normally).score);
    if (group.first.ended) ended++;
    if (group.first.ended_normally) endedNormally++;
  }
  const tally = mergeAllTallies(sessionTallies);
  const none = unavailable('no_data', 'no session');
  return {
    ...deriveMetrics(tally, options),
    sessions: ordered.length,
    sessions_per_platform: { ...tally.platforms },
    prompts_per_session: ratio(tally.prompts.count, ordered.length, none),
    session_duration_ms: summarizeOrNoData(sortSamples(durations), 'session'),
    productivity_score: summarizeOrNoData(sortSamples(scores), 'session'),
    sessions_ended: ended,
    sessions_ended_normally: endedNormally,
    completion_rate: ratio(endedNormally, ordered.length, none),
    tally,
  };
}

/** One aggregate per key (a project hash, a platform…), keys in sorted order. */
export function aggregateBy(sessions: readonly SessionMetrics[], keyOf: (session: SessionMetrics) => string, options: DeriveOptions = {}): Record<string, AggregateMetrics> {
  const buckets = new Map<string, SessionMetrics[]>();
  for (const session of sessions) {
    const key = keyOf(session);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(session);
    else buckets.set(key, [session]);
  }
  const views: Record<string, AggregateMetrics> = {};
  for (const key of [...buckets.keys()].sort()) views[key] = aggregateMetrics(buckets.get(key)!, options);
  return views;
}
