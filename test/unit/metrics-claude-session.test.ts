import assert from 'node:assert/strict';
import { liveNumbers } from '../../core/metrics/live-numbers.ts';
import { ok, unavailable } from '../../core/metrics/metric-value.ts';
import { computeSessionMetrics, type SessionMetrics } from '../../core/metrics/session-metrics.ts';
import { HAIKU, OPUS, priceOf, shuffled } from './metrics-builders.ts';
import { claudeSession } from './metrics-sample-sessions.ts';

function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

function value<T>(metric: { status: string; value?: T }, what: string): T {
  assert.equal(metric.status, 'ok', `${what} should be available`);
  return metric.value as T;
}

// Timeline in metrics-sample-sessions.ts. The events arrive shuffled, with one PostToolUse twice.
function compute(): SessionMetrics {
  const s = claudeSession();
  const events = shuffled([...s.events, s.events[5]!]);
  return computeSessionMetrics(events, { usage: s.usageEvents, priceOf });
}

describe('metrics engine: a Claude Code session, by hand', () => {
  const metrics = compute();

  it('identifies the session and how it ended', () => {
    assert.equal(metrics.session_id, 'claude-1');
    assert.equal(metrics.platform, 'claude_code');
    assert.equal(metrics.project_hash, 'p1');
    assert.equal(metrics.first_event_at, '2026-11-22T09:00:00.000Z');
    assert.equal(metrics.last_event_at, '2026-11-22T09:16:50.000Z'); // 1010 s
    assert.equal(metrics.ended, true);
    assert.equal(metrics.ended_normally, true);
    assert.equal(metrics.end_reason, 'prompt_input_exit');
    // 32 hook events + 4 usage records; the second copy of e1's PostToolUse is dropped.
    assert.deepEqual(metrics.quality, { events: 36, duplicates: 1, invalid_timestamps: 0, hook_errors: 0 });
  });

  it('acceptance: 7 proposals, 4 accepted of which 1 reverted, 3 rejected (one of each kind)', () => {
    const a = metrics.acceptance;
    assert.equal(a.proposals, 7); // e1 e2 e3 w1 e4 e5 e6
    assert.equal(a.accepted, 4); // e1 e2 w1 e6
    assert.equal(a.accepted_not_reverted, 3); // e1 reverted by e2: 5 s later, e1 +10 −2 unbalanced, e2 −10 ≈ 10, +2 ≈ 2
    assert.equal(a.rejected, 3);
    assert.deepEqual(a.rejected_by, { interrupt: 1, permission_denied: 1, no_outcome: 1 }); // e3, e4, e5
    assert.equal(a.failed, 0);
    assert.equal(a.pending, 0);
    near(value(a.acceptance_rate, 'acceptance_rate'), 3 / 7, 'acceptance_rate'); // 3 / (7 − 0 pending)
    // accept delays: e1 20−14 = 6 s, e2 25−22 = 3 s, w1 105−101 = 4 s, e6 403−402 = 1 s → [1, 3, 4, 6] s
    // p50 = x[ceil(0.5·4)=2] = 3000, p95 = x[ceil(3.8)=4] = 6000, mean = 14000/4 = 3500
    assert.deepEqual(a.time_to_accept_ms, ok({ count: 4, min: 1000, max: 6000, mean: 3500, p50: 3000, p95: 6000, p99: 6000 }));
    // reject delays: e3 40−36 = 4 s, e4 112−110 = 2 s, e5 (closed by the Stop at 140) 140−115 = 25 s
    // → [2, 4, 25] s; p50 = x[ceil(1.5)=2] = 4000; mean = 31000/3
    const reject = value(a.time_to_reject_ms, 'time_to_reject_ms');
    assert.deepEqual({ ...reject, mean: 0 }, { count: 3, min: 2000, max: 25000, mean: 0, p50: 4000, p95: 25000, p99: 25000 });
    near(reject.mean, 31000 / 3, 'reject mean');
    // applied: e1 (A, 20 s), e2 (A, 25 s), w1 (C, 105 s), e6 (C, 403 s); e1 reverted
    assert.equal(a.applied_edits, 4);
    assert.equal(a.reverted_edits, 1);
    near(value(a.revert_rate, 'revert_rate'), 1 / 4, 'revert_rate');
    // re-edits: e2 (5 s after e1 on A) and e6 (403 − 105 = 298 s ≤ 300 s after w1 on C)
    assert.equal(a.iterations, 2);
    near(value(a.refinement_rate, 'refinement_rate'), 2 / 4, 'refinement_rate');
    assert.equal(a.partial_accept_rate.status, 'unavailable');
    assert.equal(a.partial_accept_rate.status === 'unavailable' && a.partial_accept_rate.reason, 'not_observable');
  });

  it('errors: 1 error in 8 executions, 2 interruptions in 10 calls', () => {
    const e = metrics.errors;
    // calls: r1 e1 e2 b1 e3 w1 e4 e5 g1 e6 = 10; executions (an outcome other than a denial):
    // r1 e1 e2 b1 e3 w1 g1 e6 = 8; errors: b1; interruptions: e3 (is_interrupt), e5 (no outcome); denial: e4
    assert.deepEqual([e.executions, e.errors, e.interruptions, e.denials], [8, 1, 2, 1]);
    near(value(e.tool_error_rate, 'tool_error_rate'), 1 / 8, 'tool_error_rate');
    near(value(e.interruption_rate, 'interruption_rate'), 2 / 10, 'interruption_rate');
    assert.deepEqual(e.error_classes, { interrupted: 1, non_zero_exit: 1 });
  });

  it('latency: per tool from duration_ms, response, think and gap times, active time', () => {
    const l = metrics.latency;
    // Edit: e1 40, e2 30, e6 20 → [20, 30, 40]: p50 = x[2] = 30, p95 = x[3] = 40, mean 30
    assert.deepEqual(l.per_tool.Edit, ok({ count: 3, min: 20, max: 40, mean: 30, p50: 30, p95: 40, p99: 40 }));
    assert.deepEqual(l.per_tool.Bash, ok({ count: 1, min: 3500, max: 3500, mean: 3500, p50: 3500, p95: 3500, p99: 3500 }));
    assert.deepEqual(Object.keys(l.per_tool), ['Bash', 'Edit', 'Grep', 'Read', 'Write']);
    // all: [20, 30, 40, 60, 80, 200, 3500]: p50 = x[ceil(3.5)=4] = 60, p95 = x[ceil(6.65)=7] = 3500, mean 3930/7
    const all = value(l.all_tools, 'all_tools');
    assert.deepEqual([all.count, all.min, all.max, all.p50, all.p95, all.p99], [7, 20, 3500, 60, 3500, 3500]);
    near(all.mean, 3930 / 7, 'all tools mean');
    // response: prompt 10 → start 11, 100 → 101, 400 → 402, 1000 → Stop 1002 (the usage record at
    // 1001 is not a response) → [1, 1, 2, 2] s: p50 = x[2] = 1000, p95 = x[4] = 2000, mean 1500
    assert.deepEqual(l.response_time_ms, ok({ count: 4, min: 1000, max: 2000, mean: 1500, p50: 1000, p95: 2000, p99: 2000 }));
    // think: prompt 100 − Stop 41 = 59 s; 400 − Stop 140 = 260 s; 1000 − 410 = 590 s > 5 min, idle, left out
    assert.deepEqual(l.think_time_ms, ok({ count: 2, min: 59000, max: 260000, mean: 159500, p50: 59000, p95: 260000, p99: 260000 }));
    // gaps: 90 s, 300 s, 600 s; mean 330 s
    assert.deepEqual(l.prompt_gap_ms, ok({ count: 3, min: 90000, max: 600000, mean: 330000, p50: 300000, p95: 600000, p99: 600000 }));
    // span 0 → 1010 s; the only gap over 5 min is 410 → 1000 (590 s): active 1010 − 590 = 420 s
    assert.equal(l.duration_ms, 1_010_000);
    assert.equal(l.active_time_ms, 420_000);
    assert.equal(l.idle_time_ms, 590_000);
  });

  it('tokens per model from the transcript records, cost an estimate with the unknown model named', () => {
    const t = metrics.tokens;
    // opus: in 1000+500+100 = 1600, out 200+100+10 = 310, cache read 5000+6000 = 11000, cache write 300
    assert.deepEqual({ ...t.per_model[OPUS], cost_usd: undefined }, { input: 1600, output: 310, cache_read: 11000, cache_write: 300, cost_usd: undefined });
    // (1600·5 + 310·25 + 300·6.25 + 11000·0.5) / 1e6 = (8000 + 7750 + 1875 + 5500) / 1e6 = 0.023125
    assert.deepEqual(t.per_model[OPUS]!.cost_usd, ok(0.023125));
    assert.deepEqual(t.per_model[HAIKU], {
      input: 2000,
      output: 50,
      cache_read: 0,
      cache_write: 0,
      cost_usd: unavailable('no_price', `no price is known for model ${HAIKU}`),
    });
    assert.deepEqual(t.total, ok({ input: 3600, output: 360, cache_read: 11000, cache_write: 300 }));
    assert.deepEqual(t.cost, ok({ usd: 0.023125, is_estimate: true, unpriced_models: [HAIKU] }));
  });

  it('code impact: lines, extensions, files, new files, churn', () => {
    const c = metrics.code;
    // e1 +10 −2, e2 +2 −10, w1 +20 −0, e6 +4 −0
    assert.deepEqual([c.edits, c.lines_added, c.lines_removed, c.net_lines], [4, 36, 12, 24]);
    assert.equal(c.kept_lines_added, 26); // 36 − e1's 10
    assert.deepEqual(c.per_extension, {
      '.py': { edits: 2, lines_added: 24, lines_removed: 0, net_lines: 24 },
      '.ts': { edits: 2, lines_added: 12, lines_removed: 12, net_lines: 0 },
    });
    assert.equal(c.files_touched, 2); // A, C (B and the second A proposal never landed)
    assert.equal(c.new_files, 1); // C
    near(value(c.new_file_rate, 'new_file_rate'), 1 / 2, 'new_file_rate');
    // churn: e2 (A edited before) +2 −10 and e6 (C edited before) +4 −0 → 16 of 48 changed lines
    assert.deepEqual({ ...c.churn, rate: undefined }, { edits: 2, lines_added: 6, lines_removed: 10, net_lines: -4, rate: undefined });
    near(value(c.churn.rate, 'churn rate'), 16 / 48, 'churn rate');
    assert.deepEqual(c.tab, { edits: 0, lines_added: 0, lines_removed: 0, net_lines: 0 });
  });

  it('usage patterns: tools, prompts, compactions, subagents, models, sources', () => {
    const u = metrics.usage;
    assert.equal(u.tool_calls, 10);
    assert.deepEqual(
      Object.fromEntries(Object.entries(u.tools).map(([name, tool]) => [name, [tool.calls, tool.executions, tool.succeeded, tool.failed, tool.interrupted, tool.denied]])),
      { Bash: [1, 1, 0, 1, 0, 0], Edit: [6, 4, 3, 0, 2, 1], Grep: [1, 1, 1, 0, 0, 0], Read: [1, 1, 1, 0, 0, 0], Write: [1, 1, 1, 0, 0, 0] },
    );
    near(value(u.tools.Edit!.success_rate, 'Edit success'), 3 / 4, 'Edit success rate');
    assert.deepEqual(u.tools.Bash!.success_rate, ok(0));
    assert.deepEqual(u.most_used_tool, ok('Edit'));
    // calls 6, 1, 1, 1, 1 of 10: H = −(0.6 ln 0.6 + 4 · 0.1 ln 0.1), normalized by ln 5
    near(value(u.tool_diversity, 'diversity'), -(0.6 * Math.log(0.6) + 4 * 0.1 * Math.log(0.1)) / Math.log(5), 'diversity');
    assert.equal(u.prompts, 4);
    // chars [20, 40, 60, 100]: p50 = x[2] = 40, mean 55; words [4, 8, 12, 20]: p50 = 8, mean 11
    assert.deepEqual(u.prompt_chars, ok({ count: 4, min: 20, max: 100, mean: 55, p50: 40, p95: 100, p99: 100 }));
    assert.deepEqual(u.prompt_words, ok({ count: 4, min: 4, max: 20, mean: 11, p50: 8, p95: 20, p99: 20 }));
    assert.equal(u.compactions, 1);
    assert.deepEqual(u.compaction_triggers, { auto: 1 });
    near(value(u.compactions_per_hour, 'compactions per hour'), 1 / (420_000 / 3_600_000), 'compactions per hour'); // 8.571…
    assert.deepEqual(u.subagents, { count: 1, types: { Explore: 1 }, duration_ms: ok({ count: 1, min: 14000, max: 14000, mean: 14000, p50: 14000, p95: 14000, p99: 14000 }) });
    // model observations = usage records: opus, opus, haiku, opus → 2 switches
    assert.deepEqual(u.models, { distribution: { [HAIKU]: { observations: 1, share: 0.25 }, [OPUS]: { observations: 3, share: 0.75 } }, switches: 2 });
    assert.deepEqual(u.session_sources, ok({ startup: 1 }));
  });

  it('productivity score: 50 + 18.75 − 4.875 + 10 + 2.6 = 76.475', () => {
    const p = metrics.productivity;
    near(p.tool_efficiency, 18.75, 'efficiency'); // 25 · 6/8 succeeded
    near(p.error_penalty, 4.875, 'penalty'); // 15 · min(1, 1/8 errors + 2/10 interruptions) = 15 · 0.325
    assert.equal(p.completion, 10); // SessionEnd prompt_input_exit, no StopFailure
    near(p.code_impact, 2.6, 'code impact'); // min(10, 26 kept lines / 10)
    near(p.score, 76.475, 'score');
  });

  it('live numbers for the status bar', () => {
    const live = liveNumbers(metrics);
    near(live.acceptance_rate.status === 'ok' ? live.acceptance_rate.value : undefined, 3 / 7, 'live acceptance');
    assert.deepEqual(
      { ...live, acceptance_rate: undefined },
      {
        session_id: 'claude-1',
        acceptance_rate: undefined,
        applied_edits: 4,
        tokens: ok(3600 + 360 + 11000 + 300),
        cost: ok({ usd: 0.023125, is_estimate: true, unpriced_models: [HAIKU] }),
        tool_calls: 10,
        tool_errors: 1,
        active_time_ms: 420_000,
      },
    );
  });

  it('gives the same metrics whatever the arrival order and however many copies arrive', () => {
    const s = claudeSession();
    const clean = computeSessionMetrics(s.events, { usage: s.usageEvents, priceOf });
    const messy = computeSessionMetrics(shuffled([...s.events, ...s.events.slice(3, 9), ...s.usageEvents], 99), { usage: s.usageEvents, priceOf });
    assert.equal(messy.quality.duplicates, 6 + 4);
    assert.deepEqual({ ...messy, quality: undefined, tally: { ...messy.tally, quality: undefined } }, { ...clean, quality: undefined, tally: { ...clean.tally, quality: undefined } });
  });
});
