// Slow tools: a tool's p95 latency in the scope against the same tool's p95 in the baseline.
//
// Only relative, never an absolute limit: Bash runs test suites and builds for minutes and Task
// runs a whole subagent, so "slower than N seconds" would flag what the person asked for.
//
// The test is distribution-free. If the scope's calls came from the same distribution as the
// baseline's N calls, a new call would be slower than the baseline's r-th smallest sample (its
// nearest-rank p95, r = ceil(0.95 N)) with probability (N − r + 1) / (N + 1) (for N = 20:
// 2 / 21 ≈ 9.5 %, not 5 %, which is why the expected share is computed, not assumed). A finding
// needs the Wilson lower bound of the observed share of calls above that p95 to exceed the
// expected share (the tail really grew) AND the p95 itself to have at least doubled, by at least
// a second (the growth is one a person waits for).
import { percentile } from '../metrics/percentile.ts';
import { duration, type Finding } from './finding.ts';
import type { Comparison } from './insight-input.ts';
import { wilsonInterval } from './wilson-interval.ts';

export const SLOW_TOOL = {
  /** A nearest-rank p95 of fewer than 20 samples is the maximum: one outlier, not a tail. */
  minSamples: 20,
  minBaselineSamples: 20,
  /** The p95 at least doubled… */
  minRatio: 2,
  /** …and grew by a second or more (Read going from 20 to 60 ms is real, but nobody waits for it). */
  minIncreaseMs: 1000,
  /** Five times the usual tail: something is hanging (network, a lock, a huge input). */
  criticalRatio: 5,
} as const;

const P95 = 95;

/** Under "same distribution", the chance that a new sample exceeds the nearest-rank p95 of n samples. */
export function expectedShareAboveP95(baselineSamples: number): number {
  const rank = Math.max(1, Math.ceil((P95 * baselineSamples) / 100));
  return (baselineSamples - rank + 1) / (baselineSamples + 1);
}

export function slowTool({ current, baseline }: Comparison): Finding[] {
  if (!baseline) return [];
  const rule = SLOW_TOOL;
  const findings: Finding[] = [];
  for (const [tool, tally] of Object.entries(current.tally.tools)) {
    const usual = baseline.tally.tools[tool];
    if (current.latency.per_tool[tool]?.status !== 'ok' || baseline.latency.per_tool[tool]?.status !== 'ok' || !usual) continue;
    const samples = tally.latency_ms;
    if (samples.length < rule.minSamples || usual.latency_ms.length < rule.minBaselineSamples) continue;
    const p95 = percentile(samples, P95);
    const usualP95 = percentile(usual.latency_ms, P95);
    const slower = samples.filter((ms) => ms > usualP95).length;
    const expected = expectedShareAboveP95(usual.latency_ms.length);
    const { lower } = wilsonInterval(slower, samples.length);
    const ratio = usualP95 > 0 ? p95 / usualP95 : Number.POSITIVE_INFINITY;
    if (!(lower > expected && ratio >= rule.minRatio && p95 - usualP95 >= rule.minIncreaseMs)) continue;
    findings.push({
      rule: 'slow_tool',
      subject: tool,
      severity: ratio >= rule.criticalRatio ? 'critical' : 'warning',
      title: `Tool p95 latency ${duration(p95)} over ${samples.length} calls, usually ${duration(usualP95)}`,
      evidence: {
        p95_ms: p95,
        samples: samples.length,
        baseline_p95_ms: usualP95,
        baseline_samples: usual.latency_ms.length,
        slower_than_baseline_p95: slower,
        share_lower_bound: lower,
        expected_share: expected,
        ...(Number.isFinite(ratio) ? { ratio } : {}),
        min_samples: rule.minSamples,
        min_ratio: rule.minRatio,
        min_increase_ms: rule.minIncreaseMs,
      },
    });
  }
  return findings;
}
