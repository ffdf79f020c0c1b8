import assert from 'node:assert/strict';
import { aggregateBy, aggregateMetrics, periodWindow } from '../../core/metrics/aggregate-metrics.ts';
import { ok } from '../../core/metrics/metric-value.ts';
import { mergeTallies } from '../../core/metrics/metrics-tally.ts';
import { computeSessionMetrics, type SessionMetrics } from '../../core/metrics/session-metrics.ts';
import { at, HAIKU, OPUS, priceOf, session, T0 } from './metrics-builders.ts';
import { claudeSession, COMPOSER, cursorSession } from './metrics-sample-sessions.ts';

function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

function value<T>(metric: { status: string; value?: T }, what: string): T {
  assert.equal(metric.status, 'ok', `${what} should be available`);
  return metric.value as T;
}

function claude(window?: { start: number; end: number }): SessionMetrics {
  const s = claudeSession();
  return computeSessionMetrics(s.events, window ? { usage: s.usageEvents, priceOf, window } : { usage: s.usageEvents, priceOf });
}

function cursor(): SessionMetrics {
  return computeSessionMetrics(cursorSession().events, { priceOf });
}

function thirdSession(): SessionMetrics {
  const s = session('claude_code', 'claude-3', { project_hash: 'p2' });
  s.add('user_prompt', 5000, { prompt_chars: 7, prompt_words: 1 });
  s.add('tool_start', 5001, { tool: 'Read' });
  s.add('tool_use', 5002, { tool: 'Read', success: true, duration_ms: 5 });
  s.add('turn_end', 5003);
  return computeSessionMetrics(s.events, { priceOf });
}

describe('metrics engine: aggregation', () => {
  const view = aggregateMetrics([claude(), cursor()], { priceOf });

  it('adds numerators and denominators instead of averaging rates', () => {
    assert.equal(view.sessions, 2);
    assert.deepEqual(view.sessions_per_platform, { claude_code: 1, cursor: 1 });
    // errors (1 + 2) / executions (8 + 4) = 0.25, not the mean of 0.125 and 0.5
    assert.deepEqual(view.errors.tool_error_rate, ok(0.25));
    near(value(view.errors.interruption_rate, 'interruption'), 3 / 14, 'interruption rate'); // (2 + 1) / (10 + 4)
    assert.deepEqual(view.errors.error_classes, { interrupted: 2, non_zero_exit: 2, timeout: 1 });
    near(value(view.acceptance.acceptance_rate, 'acceptance'), 3 / 7, 'acceptance'); // Cursor adds no proposals
    assert.deepEqual([view.acceptance.applied_edits, view.acceptance.reverted_edits], [7, 2]);
    near(value(view.acceptance.revert_rate, 'revert'), 2 / 7, 'revert rate');
    assert.deepEqual(view.prompts_per_session, ok(3)); // 6 prompts / 2 sessions
    assert.deepEqual(view.completion_rate, ok(1));
    assert.deepEqual(view.usage.most_used_tool, ok('Edit')); // 6 + 1 calls
  });

  it('takes percentiles over the merged samples', () => {
    // [20, 30, 40, 60, 80, 200, 3500] ∪ [120, 900, 30000] → p50 = x[5] = 80, p95 = x[10] = 30000,
    // mean = (3930 + 31020) / 10 = 3495
    assert.deepEqual(view.latency.all_tools, ok({ count: 10, min: 20, max: 30000, mean: 3495, p50: 80, p95: 30000, p99: 30000 }));
    // [1000, 1000, 2000, 2000] ∪ [3000, 10000] → p50 = x[3] = 2000, p95 = x[ceil(5.7) = 6] = 10000
    const response = value(view.latency.response_time_ms, 'response');
    assert.deepEqual([response.count, response.p50, response.p95], [6, 2000, 10000]);
    near(response.mean, 19000 / 6, 'response mean');
    // session-level distributions: durations [100 s, 1010 s]; scores [55.8, 76.475] → p50 = 55.8
    assert.deepEqual(view.session_duration_ms, ok({ count: 2, min: 100_000, max: 1_010_000, mean: 555_000, p50: 100_000, p95: 1_010_000, p99: 1_010_000 }));
    const scores = value(view.productivity_score, 'scores');
    near(scores.p50, 55.8, 'score p50');
    near(scores.mean, (55.8 + 76.475) / 2, 'score mean');
  });

  it('prices the merged per-model tokens and unions the files', () => {
    assert.deepEqual(view.tokens.total, ok({ input: 3600 + 33431, output: 360 + 367, cache_read: 11000 + 22112, cache_write: 300 }));
    assert.deepEqual(view.tokens.cost, ok({ usd: 0.023125, is_estimate: true, unpriced_models: [HAIKU, COMPOSER] }));
    assert.deepEqual(view.usage.models.switches, 2);
    assert.deepEqual(Object.keys(view.usage.models.distribution), [HAIKU, OPUS, COMPOSER]);
    assert.deepEqual([view.code.lines_added, view.code.lines_removed, view.code.files_touched], [49, 18, 4]);
    assert.deepEqual(view.code.new_file_rate, ok(0.5)); // new files / Claude files only: 1 / 2
    assert.deepEqual(view.usage.session_sources, ok({ startup: 1 }));
  });

  it('reports what no platform in the view captures as platform_lacks_input', () => {
    const cursorOnly = aggregateMetrics([cursor()]);
    assert.equal(cursorOnly.acceptance.acceptance_rate.status === 'unavailable' && cursorOnly.acceptance.acceptance_rate.reason, 'platform_lacks_input');
    assert.equal(cursorOnly.code.new_file_rate.status === 'unavailable' && cursorOnly.code.new_file_rate.reason, 'platform_lacks_input');
    const none = aggregateMetrics([]);
    assert.equal(none.sessions, 0);
    assert.equal(none.prompts_per_session.status, 'unavailable');
  });

  it('gives the same numbers whatever order the sessions are merged in', () => {
    const a = claude();
    const b = cursor();
    const c = thirdSession();
    assert.deepEqual(aggregateMetrics([c, b, a], { priceOf }), aggregateMetrics([a, b, c], { priceOf }));
    assert.deepEqual(mergeTallies(mergeTallies(a.tally, b.tally), c.tally), mergeTallies(a.tally, mergeTallies(b.tally, c.tally)));
    assert.deepEqual(mergeTallies(a.tally, b.tally), mergeTallies(b.tally, a.tally));
  });

  it('groups by project or platform', () => {
    const sessions = [claude(), cursor(), thirdSession()];
    const byProject = aggregateBy(sessions, (s) => s.project_hash ?? 'unknown', { priceOf });
    assert.deepEqual(Object.keys(byProject), ['p1', 'p2']);
    assert.deepEqual(byProject.p1, aggregateMetrics([sessions[0]!, sessions[1]!], { priceOf }));
    const byPlatform = aggregateBy(sessions, (s) => s.platform);
    assert.deepEqual([byPlatform.claude_code!.sessions, byPlatform.cursor!.sessions], [2, 1]);
  });
});

describe('metrics engine: time windows', () => {
  // Cuts: 22.5 s splits e2's proposal (22) from its landing (25) and follows e1's revert;
  // 100 s puts prompt 2 in the next window (start inclusive); 1000.5 s cuts an active interval.
  const cuts = [T0 - 3_600_000, at(22.5), at(100), at(1000.5), T0 + 3_600_000];
  const slices = cuts.slice(1).map((end, i) => claude({ start: cuts[i]!, end }));
  const whole = claude();

  it('counts each item in exactly one window, so the slices add up to the whole session', () => {
    const merged = aggregateMetrics(slices, { priceOf });
    assert.deepEqual(merged, aggregateMetrics([whole], { priceOf }));
    assert.deepEqual(merged.tally, whole.tally);
    assert.deepEqual(merged.acceptance, whole.acceptance);
    assert.deepEqual(merged.latency, whole.latency);
    assert.equal(merged.sessions, 1);
    near(value(merged.productivity_score, 'score').p50, whole.productivity.score, 'score of the merged slices');
  });

  it('counts a slice by hand: the first 22.5 s', () => {
    const first = slices[0]!;
    assert.equal(first.usage.prompts, 1);
    // proposals e1 (14), e2 (22); applied e1 (20) only, and it is reverted (by e2 at 25)
    assert.deepEqual([first.acceptance.proposals, first.acceptance.accepted, first.acceptance.accepted_not_reverted], [2, 2, 1]);
    assert.deepEqual([first.acceptance.applied_edits, first.acceptance.reverted_edits, first.code.kept_lines_added], [1, 1, 0]);
    assert.deepEqual(first.tokens.total, ok({ input: 1000, output: 200, cache_read: 5000, cache_write: 300 }));
    assert.deepEqual([first.latency.duration_ms, first.latency.active_time_ms], [22_500, 22_500]);
    // the last slice: 1000.5 → 1010 holds the Stop, the SessionEnd and 9.5 s of activity
    const last = slices[3]!;
    assert.deepEqual([last.latency.duration_ms, last.latency.active_time_ms, last.usage.prompts], [9_500, 9_500, 0]);
    assert.equal(last.ended_normally, true);
  });

  it('makes period windows that end now', () => {
    assert.deepEqual(periodWindow('24h', T0), { start: T0 - 86_400_000, end: T0 });
    assert.deepEqual(periodWindow('1h', T0), { start: T0 - 3_600_000, end: T0 });
    assert.deepEqual(periodWindow('30d', T0).start, T0 - 30 * 86_400_000);
  });
});
