import assert from 'node:assert/strict';
import { liveNumbers } from '../../core/metrics/live-numbers.ts';
import { ok } from '../../core/metrics/metric-value.ts';
import { computeSessionMetrics } from '../../core/metrics/session-metrics.ts';
import { aggregateMetrics } from '../../core/metrics/aggregate-metrics.ts';
import { cursorLineAcceptance } from '../../core/metrics/cursor-line-acceptance.ts';
import { at, priceOf, session, shuffled } from './metrics-builders.ts';
import { COMPOSER, cursorSession } from './metrics-sample-sessions.ts';

function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

function value<T>(metric: { status: string; value?: T }, what: string): T {
  assert.equal(metric.status, 'ok', `${what} should be available`);
  return metric.value as T;
}

function reasonOf(metric: { status: string; reason?: string }): string | undefined {
  return metric.status === 'unavailable' ? metric.reason : undefined;
}

describe('metrics engine: a Cursor session, by hand', () => {
  // Timeline in metrics-sample-sessions.ts.
  const metrics = computeSessionMetrics(shuffled(cursorSession().events, 3), { priceOf });

  it('has no edit proposals: acceptance by proposal is unavailable, applied edits come from afterFileEdit', () => {
    const a = metrics.acceptance;
    assert.equal(a.proposals, 0);
    assert.equal(reasonOf(a.acceptance_rate), 'platform_lacks_input');
    assert.equal(reasonOf(a.time_to_accept_ms), 'platform_lacks_input');
    assert.equal(reasonOf(a.time_to_reject_ms), 'platform_lacks_input');
    // X +5 −1 at 12, X +1 −5 at 18 (6 s later, −5 ≈ 5 and +1 ≈ 1: reverts it), Z +7 at 70
    assert.equal(a.applied_edits, 3);
    assert.equal(a.reverted_edits, 1);
    near(value(a.revert_rate, 'revert_rate'), 1 / 3, 'revert_rate');
    assert.equal(a.iterations, 1); // the second X edit
    near(value(a.refinement_rate, 'refinement_rate'), 1 / 3, 'refinement_rate');
    assert.equal(reasonOf(a.partial_accept_rate), 'not_observable');
  });

  it('errors from postToolUse exit codes and postToolUseFailure', () => {
    const e = metrics.errors;
    // Read ok; Shell exit 1 (failed); Shell timeout (failed); Edit is_interrupt
    assert.deepEqual([e.executions, e.errors, e.interruptions, e.denials], [4, 2, 1, 0]);
    assert.deepEqual(e.tool_error_rate, ok(0.5)); // 2 / 4
    assert.deepEqual(e.interruption_rate, ok(0.25)); // 1 / 4
    assert.deepEqual(e.error_classes, { interrupted: 1, non_zero_exit: 1, timeout: 1 });
  });

  it('latency from the payload durations; timing from prompts and answers', () => {
    const l = metrics.latency;
    // [120, 900, 30000]: p50 = x[2] = 900, mean 31020 / 3 = 10340
    assert.deepEqual(l.all_tools, ok({ count: 3, min: 120, max: 30000, mean: 10340, p50: 900, p95: 30000, p99: 30000 }));
    assert.deepEqual(l.per_tool.Shell, ok({ count: 2, min: 900, max: 30000, mean: 15450, p50: 900, p95: 30000, p99: 30000 }));
    assert.equal(reasonOf(l.per_tool.Edit!), 'no_data'); // an interrupt has no latency
    // prompt 5 → postToolUse at 8 = 3 s; prompt 60 → afterFileEdit at 70 = 10 s (a Tab edit is not a response)
    assert.deepEqual(l.response_time_ms, ok({ count: 2, min: 3000, max: 10000, mean: 6500, p50: 3000, p95: 10000, p99: 10000 }));
    // prompt 60 − stop 21 = 39 s
    assert.deepEqual(l.think_time_ms, ok({ count: 1, min: 39000, max: 39000, mean: 39000, p50: 39000, p95: 39000, p99: 39000 }));
    assert.deepEqual(l.prompt_gap_ms, ok({ count: 1, min: 55000, max: 55000, mean: 55000, p50: 55000, p95: 55000, p99: 55000 }));
    assert.equal(l.duration_ms, 100_000);
    assert.equal(l.active_time_ms, 100_000); // no gap over 5 min
  });

  it('tokens once per turn from afterAgentResponse and stop (largest per field), no price for composer-2', () => {
    const t = metrics.tokens;
    // turn 1: max(13431, 13431) in, max(67, 67) out, max(–, 22112) cache read; turn 2: 20000 in, 300 out
    assert.deepEqual({ ...t.per_model[COMPOSER], cost_usd: undefined }, { input: 33431, output: 367, cache_read: 22112, cache_write: 0, cost_usd: undefined });
    assert.equal(reasonOf(t.per_model[COMPOSER]!.cost_usd), 'no_price');
    assert.deepEqual(t.total, ok({ input: 33431, output: 367, cache_read: 22112, cache_write: 0 }));
    assert.equal(reasonOf(t.cost), 'no_price');
    assert.deepEqual(metrics.usage.models, { distribution: { [COMPOSER]: { observations: 2, share: 1 } }, switches: 0 });
  });

  it('code impact from afterFileEdit, Tab edits apart, no new-file flag', () => {
    const c = metrics.code;
    assert.deepEqual([c.edits, c.lines_added, c.lines_removed, c.net_lines, c.kept_lines_added], [3, 13, 6, 7, 8]); // kept: 1 + 7
    assert.deepEqual(c.per_extension, {
      '.md': { edits: 1, lines_added: 7, lines_removed: 0, net_lines: 7 },
      '.ts': { edits: 2, lines_added: 6, lines_removed: 6, net_lines: 0 },
    });
    assert.equal(c.files_touched, 2);
    assert.equal(reasonOf(c.new_file_rate), 'platform_lacks_input');
    near(value(c.churn.rate, 'churn'), 6 / 19, 'churn rate'); // second X edit: 1 + 5 of 13 + 6
    assert.deepEqual(c.tab, { edits: 1, lines_added: 2, lines_removed: 0, net_lines: 2 });
  });

  it('usage patterns', () => {
    const u = metrics.usage;
    assert.equal(u.tool_calls, 4);
    assert.deepEqual(u.most_used_tool, ok('Shell'));
    // calls Read 1, Shell 2, Edit 1: H = 1.5 ln 2, normalized by ln 3
    near(value(u.tool_diversity, 'diversity'), (1.5 * Math.LN2) / Math.log(3), 'diversity');
    assert.equal(u.prompts, 2);
    assert.deepEqual(u.compaction_triggers, { manual: 1 });
    assert.deepEqual(u.compactions_per_hour, ok(36)); // 1 / (100 s / 3600 s)
    assert.deepEqual(u.subagents, { count: 1, types: { explore: 1 }, duration_ms: ok({ count: 1, min: 5000, max: 5000, mean: 5000, p50: 5000, p95: 5000, p99: 5000 }) });
    assert.equal(reasonOf(u.session_sources), 'platform_lacks_input');
  });

  it('productivity: 50 + 6.25 − 11.25 + 10 + 0.8 = 55.8', () => {
    const p = metrics.productivity;
    assert.equal(p.tool_efficiency, 6.25); // 25 · 1/4
    assert.equal(p.error_penalty, 11.25); // 15 · (2/4 + 1/4)
    assert.equal(p.completion, 10); // sessionEnd completed / completed
    near(p.code_impact, 0.8, 'code impact'); // 8 kept lines / 10
    near(p.score, 55.8, 'score');
    assert.equal(metrics.ended_normally, true);
    assert.equal(metrics.end_status, 'completed');
  });

  it('live numbers', () => {
    const live = liveNumbers(metrics);
    assert.equal(reasonOf(live.acceptance_rate), 'platform_lacks_input');
    assert.equal(live.applied_edits, 3);
    assert.deepEqual(live.tokens, ok(33431 + 367 + 22112));
    assert.deepEqual([live.tool_calls, live.tool_errors, live.active_time_ms], [4, 2, 100_000]);
  });

  it('uses the turn of a stop without generation id and ignores hook tokens when usage records exist', () => {
    const s = session('cursor', 'cursor-2');
    s.add('user_prompt', 0, {}, { model: COMPOSER, generation_id: 'g1' });
    s.add('assistant_response', 5, { input_tokens: 100, output_tokens: 10 }, { model: COMPOSER, generation_id: 'g1' });
    s.add('turn_end', 6, { input_tokens: 120, output_tokens: 8, cache_read_tokens: 50 });
    s.add('user_prompt', 10, {}, { model: 'gpt-5', generation_id: 'g2' });
    s.add('turn_end', 12, { output_tokens: 40 });
    const hooks = computeSessionMetrics(s.events);
    // turn 1: in max(100, 120), out max(10, 8), cache read 50; turn 2: no model on its events → the last named (gpt-5)
    assert.deepEqual({ ...hooks.tokens.per_model[COMPOSER], cost_usd: undefined }, { input: 120, output: 10, cache_read: 50, cache_write: 0, cost_usd: undefined });
    assert.deepEqual({ ...hooks.tokens.per_model['gpt-5'], cost_usd: undefined }, { input: 0, output: 40, cache_read: 0, cache_write: 0, cost_usd: undefined });
    assert.equal(reasonOf(hooks.tokens.cost), 'no_price'); // no price table given
    s.usage(5, COMPOSER, { input: 7, output: 3 });
    const records = computeSessionMetrics(s.events, { usage: s.usageEvents });
    assert.deepEqual(records.tokens.total, ok({ input: 7, output: 3, cache_read: 0, cache_write: 0 }));
  });
});

describe("metrics engine: Cursor's own code block verdicts (state.vscdb composer snapshots)", () => {
  function withSnapshots(): ReturnType<typeof session> {
    const s = session('cursor', COMPOSER);
    s.add('user_prompt', 0, { prompt_chars: 10, prompt_words: 2 });
    s.add('file_edit', 5, { lines_added: 2, lines_removed: 0, file_extension: '.ts' });
    // Two snapshots of the same composer: the later one supersedes the earlier, never adds to it.
    s.add('composer_update', 20, { accepted_block_count: 1, rejected_block_count: 0 });
    s.add('composer_update', 60, { accepted_block_count: 3, rejected_block_count: 1 });
    return s;
  }

  it('takes the latest snapshot, whatever the order: 3 of 4 blocks accepted', () => {
    const metrics = computeSessionMetrics(shuffled(withSnapshots().events, 5));
    near(value(metrics.acceptance.composer_block_accept_rate, 'block accept rate'), 0.75, 'block accept rate');
    assert.equal(metrics.quality.events, 2, 'snapshots are not events of the session');
  });

  it('counts the snapshot at its time: a window before it has no verdict, one around it has it', () => {
    const events = withSnapshots().events;
    const before = computeSessionMetrics(events, { window: { start: at(0), end: at(30) } });
    assert.equal(reasonOf(before.acceptance.composer_block_accept_rate), 'no_data');
    const around = computeSessionMetrics(events, { window: { start: at(30), end: at(90) } });
    near(value(around.acceptance.composer_block_accept_rate, 'in window'), 0.75, 'in window');
  });

  it('adds sessions up by blocks, and is unavailable where no Cursor session is involved', () => {
    const first = computeSessionMetrics(withSnapshots().events);
    const other = session('cursor', 'composer-2');
    other.add('composer_update', 10, { accepted_block_count: 0, rejected_block_count: 4 });
    other.add('user_prompt', 1, { prompt_chars: 5, prompt_words: 1 });
    const merged = aggregateMetrics([first, computeSessionMetrics(other.events)]);
    near(value(merged.acceptance.composer_block_accept_rate, 'merged'), 3 / 8, 'merged');
    const claude = session('claude_code');
    claude.add('user_prompt', 0, { prompt_chars: 5, prompt_words: 1 });
    assert.equal(reasonOf(computeSessionMetrics(claude.events).acceptance.composer_block_accept_rate), 'platform_lacks_input');
  });
});

describe("metrics engine: Cursor's own daily line counts (lines kept / lines generated)", () => {
  const day = (date: string, sequence: number, composer: [number, number], tab: [number, number]) =>
    ({
      v: 1,
      event_id: `daily-${sequence}`,
      timestamp: `${date}T00:00:00.000Z`,
      platform: 'cursor',
      session_id: 'unknown',
      event_type: 'daily_code_stats',
      hook_type: 'state.vscdb',
      metadata: { hook_version: 'test' },
      payload: { date, composer_suggested_lines: composer[0], composer_accepted_lines: composer[1], tab_suggested_lines: tab[0], tab_accepted_lines: tab[1] },
    }) as const;

  it("adds up the days that start in the window, each day's last snapshot superseding the earlier ones", () => {
    const records = [day('2026-11-20', 1, [10, 5], [4, 1]), day('2026-11-21', 2, [20, 10], [0, 0]), day('2026-11-21', 3, [30, 24], [10, 5]), day('2026-11-10', 4, [100, 0], [0, 0])];
    const lines = cursorLineAcceptance(records, { start: Date.UTC(2026, 10, 15), end: Date.UTC(2026, 10, 22) });
    assert.equal(lines.days, 2);
    assert.deepEqual([lines.composer.suggested_lines, lines.composer.accepted_lines], [40, 29]);
    near(value(lines.composer.rate, 'composer'), 29 / 40, 'composer');
    near(value(lines.tab.rate, 'tab'), 6 / 14, 'tab');
  });

  it('is unavailable for a window without a suggested line', () => {
    const lines = cursorLineAcceptance([day('2026-11-20', 1, [0, 0], [0, 0])], { start: Date.UTC(2026, 10, 20), end: Date.UTC(2026, 10, 21) });
    assert.equal(lines.days, 1);
    assert.equal(reasonOf(lines.composer.rate), 'no_data');
  });
});
