import assert from 'node:assert/strict';
import type { AggregateMetrics } from '../../core/metrics/aggregate-metrics.ts';
import { hookErrors, HOOK_ERRORS } from '../../core/insights/capture-rules.ts';
import type { Finding } from '../../core/insights/finding.ts';
import type { Comparison, MeasuredView } from '../../core/insights/insight-input.ts';
import { expectedShareAboveP95, slowTool } from '../../core/insights/latency-rules.ts';
import { acceptanceDrop, highInterruptionRate, toolFailureSpike } from '../../core/insights/rate-rules.ts';
import { frequentCompactions, tokenSpike } from '../../core/insights/usage-rules.ts';
import { wilsonInterval } from '../../core/insights/wilson-interval.ts';
import { computeSessionMetrics } from '../../core/metrics/session-metrics.ts';
import { activityView, type Activity } from './insights-builders.ts';
import { session } from './metrics-builders.ts';

function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

function compare(current: MeasuredView, baseline?: AggregateMetrics): Comparison {
  return { scope: 'project', scopeKey: 'p1', current, ...(baseline ? { baseline } : {}) };
}

function view(activity: Activity): AggregateMetrics {
  return activityView('recent', activity);
}

function usual(activity: Activity): AggregateMetrics {
  return activityView('baseline', activity);
}

function only(findings: Finding[]): Finding {
  assert.equal(findings.length, 1, `one finding expected, got ${JSON.stringify(findings)}`);
  return findings[0]!;
}

describe('insights: Wilson interval', () => {
  it('matches the published bounds and keeps a width at 0 and n', () => {
    // 0 of 30: upper 3.8415 / 33.8415 = 0.11351 (the "rule of three" region, but not 0)
    const none = wilsonInterval(0, 30);
    assert.equal(none.lower, 0);
    near(none.upper, 0.1135133947614520, 'upper of 0/30');
    const half = wilsonInterval(10, 20);
    near(half.lower + half.upper, 1, 'symmetric around 0.5');
    assert.equal(wilsonInterval(20, 20).upper, 1);
    assert.throws(() => wilsonInterval(1, 0), RangeError);
  });
});

describe('insights rule: tool failure spike', () => {
  const baseline = usual({ tools: [{ tool: 'Bash', runs: 100, failures: 5 }] }); // 5 %, upper bound 11.18 %

  it('fires for 4 failures in 10 runs against 5 of 100, with the numbers behind it', () => {
    const finding = only(toolFailureSpike(compare(view({ tools: [{ tool: 'Bash', runs: 10, failures: 4 }] }), baseline)));
    assert.equal(finding.rule, 'tool_failure_spike');
    assert.equal(finding.subject, 'Bash');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.title, 'Tool failed in 40% of 10 runs, usually 5% of 100');
    const { lower_bound, baseline_upper_bound, ...counts } = finding.evidence;
    near(lower_bound, wilsonInterval(4, 10).lower, 'lower bound'); // 0.168
    near(baseline_upper_bound, wilsonInterval(5, 100).upper, 'baseline upper bound'); // 0.112
    assert.deepEqual(counts, {
      failure_rate: 0.4,
      failures: 4,
      executions: 10,
      baseline_failure_rate: 0.05,
      baseline_failures: 5,
      baseline_executions: 100,
      min_executions: 10,
      min_baseline_executions: 30,
      min_ratio: 2,
    });
  });

  it('does not fire just below the bar: 3 of 10 (lower bound 10.8 % < 11.2 %)', () => {
    assert.deepEqual(toolFailureSpike(compare(view({ tools: [{ tool: 'Bash', runs: 10, failures: 3 }] }), baseline)), []);
  });

  it('does not fire on 9 runs, even with 4 failures (lower bound 18.9 %)', () => {
    assert.deepEqual(toolFailureSpike(compare(view({ tools: [{ tool: 'Bash', runs: 9, failures: 4 }] }), baseline)), []);
  });

  it('needs 30 baseline runs to know the usual rate', () => {
    const recent = view({ tools: [{ tool: 'Bash', runs: 10, failures: 4 }] });
    assert.deepEqual(toolFailureSpike(compare(recent, usual({ tools: [{ tool: 'Bash', runs: 29 }] }))), []);
    assert.equal(toolFailureSpike(compare(recent, usual({ tools: [{ tool: 'Bash', runs: 30 }] }))).length, 1); // 16.8 % > 11.4 %
    assert.deepEqual(toolFailureSpike(compare(recent)), []);
  });

  it('needs twice the usual rate, not only a significant difference', () => {
    const wide = usual({ tools: [{ tool: 'Bash', runs: 1000, failures: 110 }] }); // 11 %, upper 13.1 %
    // 40 of 200 = 20 %: lower 15.0 % > 13.1 %, but 1.82 times the usual
    assert.deepEqual(toolFailureSpike(compare(view({ tools: [{ tool: 'Bash', runs: 200, failures: 40 }] }), wide)), []);
    // 44 of 200 = 22 %: exactly twice
    assert.equal(only(toolFailureSpike(compare(view({ tools: [{ tool: 'Bash', runs: 200, failures: 44 }] }), wide))).evidence.failures, 44);
  });

  it('is critical when most runs fail for sure, and judges each tool on its own', () => {
    const findings = toolFailureSpike(
      compare(
        view({
          tools: [
            { tool: 'Bash', runs: 20, failures: 16 },
            { tool: 'Read', runs: 20, failures: 1 },
          ],
        }),
        usual({
          tools: [
            { tool: 'Bash', runs: 100, failures: 5 },
            { tool: 'Read', runs: 100 },
          ],
        }),
      ),
    );
    assert.deepEqual(
      findings.map((finding) => [finding.subject, finding.severity]),
      [['Bash', 'critical']],
    ); // Bash lower 58.4 %; Read 1 of 20: lower 0.9 % < upper of 0 / 100 (3.7 %)
  });
});

describe('insights rule: acceptance drop', () => {
  const baseline = usual({ edits: { accepted: 36, rejected: 4 } }); // 90 %, lower bound 76.9 %

  it('fires for 4 kept of 10 against 36 of 40, critical at a 50-point drop', () => {
    const finding = only(acceptanceDrop(compare(view({ edits: { accepted: 4, rejected: 6 } }), baseline)));
    assert.equal(finding.rule, 'acceptance_drop');
    assert.equal(finding.severity, 'critical');
    assert.equal(finding.title, 'Acceptance fell to 40% of 10 edits from 90% of 40');
    const { upper_bound, baseline_lower_bound, drop, ...counts } = finding.evidence;
    near(upper_bound, wilsonInterval(4, 10).upper, 'upper bound'); // 0.687
    near(baseline_lower_bound, wilsonInterval(36, 40).lower, 'baseline lower bound'); // 0.769
    near(drop, 0.5, 'drop');
    assert.deepEqual(counts, {
      acceptance_rate: 0.4,
      accepted_not_reverted: 4,
      decided: 10,
      baseline_acceptance_rate: 0.9,
      baseline_accepted_not_reverted: 36,
      baseline_decided: 40,
      min_decided: 10,
      min_baseline_decided: 30,
      min_drop: 0.15,
    });
  });

  it('is a warning for a 20-point drop, and needs 15 points even when significant', () => {
    const wide = usual({ edits: { accepted: 180, rejected: 20 } }); // 90 %, lower 85.1 %
    const warning = only(acceptanceDrop(compare(view({ edits: { accepted: 35, rejected: 15 } }), wide))); // 70 %, upper 81.0 %
    assert.equal(warning.severity, 'warning');
    near(warning.evidence.drop, 0.2, 'drop');
    const large = usual({ edits: { accepted: 360, rejected: 40 } }); // 90 %, lower 86.7 %
    // 156 of 200 = 78 %: upper 83.2 % < 86.7 %, but only 12 points down
    assert.deepEqual(acceptanceDrop(compare(view({ edits: { accepted: 156, rejected: 44 } }), large)), []);
  });

  it('does not fire just below the bar (11 of 20: upper 74.2 % < 76.9 % fires; 12 of 20 does not)', () => {
    assert.equal(acceptanceDrop(compare(view({ edits: { accepted: 11, rejected: 9 } }), baseline)).length, 1);
    assert.deepEqual(acceptanceDrop(compare(view({ edits: { accepted: 12, rejected: 8 } }), baseline)), []);
  });

  it('does not fire on 9 decided edits, nor against a baseline of 29', () => {
    assert.deepEqual(acceptanceDrop(compare(view({ edits: { accepted: 0, rejected: 9 } }), baseline)), []);
    assert.deepEqual(acceptanceDrop(compare(view({ edits: { accepted: 0, rejected: 10 } }), usual({ edits: { accepted: 29, rejected: 0 } }))), []);
  });

  it('never fires where acceptance is unavailable (Cursor captures no proposals)', () => {
    const s = session('cursor', 'cursor-1');
    for (let i = 0; i < 12; i++) s.add('file_edit', i, { file_hash: `f${i}`, file_extension: '.ts', lines_added: 1, lines_removed: 0 });
    const cursor = computeSessionMetrics(s.events);
    assert.equal(cursor.acceptance.acceptance_rate.status, 'unavailable');
    assert.deepEqual(acceptanceDrop(compare(cursor, baseline)), []);
  });
});

describe('insights rule: high interruption rate', () => {
  it('fires above the 20 % floor: 8 of 20 interrupted (lower bound 21.9 %)', () => {
    const finding = only(highInterruptionRate(compare(view({ tools: [{ tool: 'Bash', runs: 20, interrupts: 8 }] }))));
    assert.equal(finding.rule, 'high_interruption_rate');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.title, '40% of 20 tool calls interrupted');
    const { lower_bound, ...rest } = finding.evidence;
    near(lower_bound, wilsonInterval(8, 20).lower, 'lower bound');
    assert.deepEqual(rest, { interruption_rate: 0.4, interruptions: 8, decided_calls: 20, threshold: 0.2, floor: 0.2, min_decided: 20 });
  });

  it('does not fire just below: 7 of 20 (lower bound 18.1 %), nor on 19 calls', () => {
    assert.deepEqual(highInterruptionRate(compare(view({ tools: [{ tool: 'Bash', runs: 20, interrupts: 7 }] }))), []);
    assert.deepEqual(highInterruptionRate(compare(view({ tools: [{ tool: 'Bash', runs: 19, interrupts: 10 }] }))), []);
  });

  it('raises the bar to a high baseline of its own, and is critical when most calls stop', () => {
    const habit = usual({ tools: [{ tool: 'Bash', runs: 100, interrupts: 30 }] }); // upper bound 39.6 %
    assert.deepEqual(highInterruptionRate(compare(view({ tools: [{ tool: 'Bash', runs: 20, interrupts: 8 }] }), habit)), []);
    const finding = only(highInterruptionRate(compare(view({ tools: [{ tool: 'Bash', runs: 20, interrupts: 15 }] }), habit)));
    assert.equal(finding.severity, 'critical'); // lower 53.1 %
    assert.equal(finding.title, '75% of 20 tool calls interrupted, usually 30% of 100');
    near(finding.evidence.threshold, wilsonInterval(30, 100).upper, 'threshold = baseline upper bound');
  });
});

describe('insights rule: slow tool', () => {
  // Baseline Bash: 100, 200, … 2000 ms; nearest-rank p95 = x[19] = 1900 ms; a new call from the
  // same distribution is slower than that with probability 2 / 21.
  const baseline = usual({ tools: [{ tool: 'Bash', runs: 20, latencyMs: (i) => (i + 1) * 100 }] });
  const recent = (slow: number, slowMs = 5000, runs = 20) => view({ tools: [{ tool: 'Bash', runs, latencyMs: (i) => (i < runs - slow ? 500 : slowMs) }] });

  it('computes the chance of a sample above a nearest-rank p95', () => {
    near(expectedShareAboveP95(20), 2 / 21, 'n = 20');
    near(expectedShareAboveP95(100), 6 / 101, 'n = 100'); // rank 95
  });

  it('fires when 5 of 20 calls take 5 s against a 1.9 s p95', () => {
    const finding = only(slowTool(compare(recent(5), baseline)));
    assert.equal(finding.rule, 'slow_tool');
    assert.equal(finding.subject, 'Bash');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.title, 'Tool p95 latency 5 s over 20 calls, usually 1.9 s');
    const { share_lower_bound, expected_share, ratio, ...rest } = finding.evidence;
    near(share_lower_bound, wilsonInterval(5, 20).lower, 'share lower bound'); // 11.2 % > 9.5 %
    near(expected_share, 2 / 21, 'expected share');
    near(ratio, 5000 / 1900, 'ratio');
    assert.deepEqual(rest, { p95_ms: 5000, samples: 20, baseline_p95_ms: 1900, baseline_samples: 20, slower_than_baseline_p95: 5, min_samples: 20, min_ratio: 2, min_increase_ms: 1000 });
  });

  it('does not fire just below: 4 slow calls of 20 (lower bound 8.1 % < 9.5 %), or 19 calls', () => {
    assert.deepEqual(slowTool(compare(recent(4), baseline)), []);
    assert.deepEqual(slowTool(compare(recent(6, 5000, 19), baseline)), []);
  });

  it('needs the p95 doubled, by a second, and is critical at five times', () => {
    assert.deepEqual(slowTool(compare(recent(10, 3700), baseline)), []); // 1.95 times
    const fast = usual({ tools: [{ tool: 'Read', runs: 20, latencyMs: (i) => i * 10 }] }); // p95 180 ms
    assert.deepEqual(slowTool(compare(view({ tools: [{ tool: 'Read', runs: 20, latencyMs: () => 900 }] }), fast)), []); // +720 ms
    assert.equal(only(slowTool(compare(recent(10, 9500), baseline))).severity, 'critical');
  });

  it('never fires without latencies (unavailable) or without a baseline of the tool', () => {
    assert.deepEqual(slowTool(compare(view({ tools: [{ tool: 'Bash', runs: 30 }] }), baseline)), []);
    assert.deepEqual(slowTool(compare(recent(10), usual({ tools: [{ tool: 'Read', runs: 20, latencyMs: () => 10 }] }))), []);
  });
});

describe('insights rule: frequent compactions', () => {
  it('reports 3 compactions in one active hour as info, 5 as a warning', () => {
    const finding = only(frequentCompactions(compare(view({ compactions: 3, activeSeconds: 3600 }))));
    assert.equal(finding.rule, 'frequent_compactions');
    assert.equal(finding.severity, 'info');
    assert.equal(finding.title, '3 compactions in 1 active hour (3 per hour)');
    assert.deepEqual(finding.evidence, { compactions_per_hour: 3, compactions: 3, auto_compactions: 3, active_hours: 1, min_compactions: 3, threshold_per_hour: 2 });
    assert.equal(only(frequentCompactions(compare(view({ compactions: 5, activeSeconds: 3600 })))).severity, 'warning');
  });

  it('does not fire below 2 per hour (3 in 1.6 h) or below 3 compactions (2 in 10 min)', () => {
    assert.deepEqual(frequentCompactions(compare(view({ compactions: 3, activeSeconds: 5760 }))), []); // 1.875 / h
    assert.deepEqual(frequentCompactions(compare(view({ compactions: 2, activeSeconds: 600 }))), []); // 12 / h
  });

  it('never fires when compactions per hour is unavailable (no active time)', () => {
    const s = session('claude_code', 'burst');
    for (let i = 0; i < 4; i++) s.add('compaction_start', 0, { trigger: 'auto' });
    const burst = computeSessionMetrics(s.events);
    assert.equal(burst.usage.compactions_per_hour.status, 'unavailable');
    assert.deepEqual(frequentCompactions(compare(burst)), []);
  });
});

describe('insights rule: token spike', () => {
  const baseline = usual({ prompts: 30, tokensPerPrompt: 1000 });

  it('fires at three times the usual tokens per prompt, with the cost per prompt', () => {
    const finding = only(tokenSpike(compare(view({ prompts: 10, tokensPerPrompt: 3000 }), baseline)));
    assert.equal(finding.rule, 'token_spike');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.title, '3000 tokens per prompt over 10 prompts, 3 times the usual 1000');
    assert.deepEqual(finding.evidence, {
      tokens_per_prompt: 3000,
      tokens: 30000,
      prompts: 10,
      baseline_tokens_per_prompt: 1000,
      baseline_tokens: 30000,
      baseline_prompts: 30,
      ratio: 3,
      usd_per_prompt: 0.015, // 3000 input tokens at $5 per million
      baseline_usd_per_prompt: 0.005,
      min_prompts: 10,
      min_baseline_prompts: 30,
      min_ratio: 3,
    });
    assert.equal(only(tokenSpike(compare(view({ prompts: 10, tokensPerPrompt: 10000 }), baseline))).severity, 'critical');
  });

  it('does not fire at 2.9 times, on 9 prompts, or against 29 baseline prompts', () => {
    assert.deepEqual(tokenSpike(compare(view({ prompts: 10, tokensPerPrompt: 2900 }), baseline)), []);
    assert.deepEqual(tokenSpike(compare(view({ prompts: 9, tokensPerPrompt: 9000 }), baseline)), []);
    assert.deepEqual(tokenSpike(compare(view({ prompts: 10, tokensPerPrompt: 9000 }), usual({ prompts: 29, tokensPerPrompt: 1000 }))), []);
  });

  it('never fires where tokens are unavailable', () => {
    const noTokens = view({ prompts: 10 });
    assert.equal(noTokens.tokens.total.status, 'unavailable');
    assert.deepEqual(tokenSpike(compare(noTokens, baseline)), []);
    assert.deepEqual(tokenSpike(compare(view({ prompts: 10, tokensPerPrompt: 9000 }), usual({ prompts: 30 }))), []);
  });
});

describe('insights rule: hook errors', () => {
  it('reports a single hook error as a warning, many as critical', () => {
    const finding = only(hookErrors(compare(view({ hookErrors: 1 }))));
    assert.equal(finding.rule, 'hook_errors');
    assert.equal(finding.severity, 'warning');
    // session_start, hook_error, turn_end
    assert.equal(finding.title, '1 hook error in 3 events (33.3%): capture is missing data');
    assert.deepEqual(finding.evidence, { hook_errors: 1, events: 3, share: 1 / 3, min_errors: HOOK_ERRORS.minErrors, critical_share: 0.05 });
    assert.equal(only(hookErrors(compare(view({ hookErrors: 5 })))).severity, 'critical');
    // 4 errors in 46 events (8.7 %): a large share, but not yet five errors
    assert.equal(only(hookErrors(compare(view({ hookErrors: 4, tools: [{ tool: 'Read', runs: 20 }] })))).severity, 'warning');
  });

  it('says nothing without one', () => {
    assert.deepEqual(hookErrors(compare(view({ tools: [{ tool: 'Read', runs: 20 }] }))), []);
  });
});
