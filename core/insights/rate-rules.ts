// The rules about rates of events that either happen or not: a tool failing, an edit accepted, a
// tool call interrupted. Each compares the scope's count with its baseline's through Wilson
// intervals (wilson-interval.ts): a finding needs the two 95 % intervals not to overlap (stricter
// than a two-sample test at 5 %: about 0.6 % when both sides are equally precise) AND a
// difference large enough to matter, and both sides need a minimum number of trials, so two
// failures in three runs never make a finding however rare failures usually are. The baseline
// rate is pooled over the 7 days (Σ numerators / Σ denominators), the metrics engine's average.
import { percent, type Finding } from './finding.ts';
import type { Comparison, MeasuredView } from './insight-input.ts';
import { wilsonInterval } from './wilson-interval.ts';

export const TOOL_FAILURE_SPIKE = {
  /** Runs of the tool in the scope: below 10, one or two failures already read as 10–20 %. */
  minExecutions: 10,
  /** Runs in the baseline: enough to know the usual rate (0 of 30 still allows up to 11 %). */
  minBaselineExecutions: 30,
  /** "Far above" its usual rate: at least twice it, besides the intervals not overlapping. */
  minRatio: 2,
  /** The scope's lower bound says most runs fail: the tool is broken here, not just flaky. */
  criticalLowerBound: 0.5,
} as const;

export const ACCEPTANCE_DROP = {
  /** Decided edit proposals in the scope (pending ones have no outcome yet). */
  minDecided: 10,
  /** Decided proposals in the baseline. */
  minBaselineDecided: 30,
  /** At least 15 points below the usual acceptance: smaller drops are day-to-day noise of the task mix. */
  minDrop: 0.15,
  /** 30 points or more: most of what used to be kept is now turned down or reverted. */
  criticalDrop: 0.3,
} as const;

export const HIGH_INTERRUPTION_RATE = {
  /** Decided tool calls in the scope. */
  minDecided: 20,
  /** Whatever the baseline, fewer than one call in five interrupted is ordinary steering. */
  floor: 0.2,
  /** A baseline with this many decided calls raises the bar to its own upper bound, so a person
   *  who always interrupts a lot is told only when it gets worse. */
  minBaselineDecided: 30,
  /** The lower bound says 40 % or more are stopped: the agent is mostly doing the wrong thing. */
  criticalLowerBound: 0.4,
} as const;

export function toolFailureSpike({ current, baseline }: Comparison): Finding[] {
  if (!baseline) return [];
  const findings: Finding[] = [];
  const rule = TOOL_FAILURE_SPIKE;
  for (const [tool, usage] of Object.entries(current.usage.tools)) {
    const usual = baseline.usage.tools[tool];
    if (usage.success_rate.status !== 'ok' || usual?.success_rate.status !== 'ok') continue;
    if (usage.executions < rule.minExecutions || usual.executions < rule.minBaselineExecutions) continue;
    const rate = usage.failed / usage.executions;
    const usualRate = usual.failed / usual.executions;
    const { lower } = wilsonInterval(usage.failed, usage.executions);
    const { upper: usualUpper } = wilsonInterval(usual.failed, usual.executions);
    if (!(lower > usualUpper && rate >= rule.minRatio * usualRate)) continue;
    findings.push({
      rule: 'tool_failure_spike',
      subject: tool,
      severity: lower >= rule.criticalLowerBound ? 'critical' : 'warning',
      title: `Tool failed in ${percent(rate)} of ${usage.executions} runs, usually ${percent(usualRate)} of ${usual.executions}`,
      evidence: {
        failure_rate: rate,
        failures: usage.failed,
        executions: usage.executions,
        lower_bound: lower,
        baseline_failure_rate: usualRate,
        baseline_failures: usual.failed,
        baseline_executions: usual.executions,
        baseline_upper_bound: usualUpper,
        min_executions: rule.minExecutions,
        min_baseline_executions: rule.minBaselineExecutions,
        min_ratio: rule.minRatio,
      },
    });
  }
  return findings;
}

function decidedProposals(view: MeasuredView): number {
  return view.acceptance.proposals - view.acceptance.pending;
}

export function acceptanceDrop({ current, baseline }: Comparison): Finding[] {
  const rule = ACCEPTANCE_DROP;
  if (!baseline || current.acceptance.acceptance_rate.status !== 'ok' || baseline.acceptance.acceptance_rate.status !== 'ok') return [];
  const decided = decidedProposals(current);
  const usualDecided = decidedProposals(baseline);
  if (decided < rule.minDecided || usualDecided < rule.minBaselineDecided) return [];
  const kept = current.acceptance.accepted_not_reverted;
  const usualKept = baseline.acceptance.accepted_not_reverted;
  const rate = kept / decided;
  const usualRate = usualKept / usualDecided;
  const { upper } = wilsonInterval(kept, decided);
  const { lower: usualLower } = wilsonInterval(usualKept, usualDecided);
  const drop = usualRate - rate;
  if (!(upper < usualLower && drop >= rule.minDrop)) return [];
  return [
    {
      rule: 'acceptance_drop',
      subject: '',
      severity: drop >= rule.criticalDrop ? 'critical' : 'warning',
      title: `Acceptance fell to ${percent(rate)} of ${decided} edits from ${percent(usualRate)} of ${usualDecided}`,
      evidence: {
        acceptance_rate: rate,
        accepted_not_reverted: kept,
        decided,
        upper_bound: upper,
        baseline_acceptance_rate: usualRate,
        baseline_accepted_not_reverted: usualKept,
        baseline_decided: usualDecided,
        baseline_lower_bound: usualLower,
        drop,
        min_decided: rule.minDecided,
        min_baseline_decided: rule.minBaselineDecided,
        min_drop: rule.minDrop,
      },
    },
  ];
}

/** Tool calls with an outcome or closed by a boundary: interruption_rate's denominator. */
function decidedCalls(view: MeasuredView): number {
  return Object.values(view.usage.tools).reduce((sum, tool) => sum + tool.calls - tool.pending, 0);
}

interface UsualInterruptions {
  rate: number;
  interruptions: number;
  decided: number;
  upper: number;
}

/** The baseline's interruption rate, when it has enough decided calls to be known. */
function usualInterruptions(baseline: MeasuredView | undefined): UsualInterruptions | undefined {
  if (!baseline || baseline.errors.interruption_rate.status !== 'ok') return undefined;
  const decided = decidedCalls(baseline);
  if (decided < HIGH_INTERRUPTION_RATE.minBaselineDecided) return undefined;
  const { interruptions } = baseline.errors;
  return { rate: interruptions / decided, interruptions, decided, upper: wilsonInterval(interruptions, decided).upper };
}

export function highInterruptionRate({ current, baseline }: Comparison): Finding[] {
  const rule = HIGH_INTERRUPTION_RATE;
  if (current.errors.interruption_rate.status !== 'ok') return [];
  const decided = decidedCalls(current);
  if (decided < rule.minDecided) return [];
  const { interruptions } = current.errors;
  const rate = interruptions / decided;
  const { lower } = wilsonInterval(interruptions, decided);
  const usual = usualInterruptions(baseline);
  const threshold = Math.max(rule.floor, usual?.upper ?? 0);
  if (!(lower > threshold)) return [];
  return [
    {
      rule: 'high_interruption_rate',
      subject: '',
      severity: lower >= rule.criticalLowerBound ? 'critical' : 'warning',
      title: usual
        ? `${percent(rate)} of ${decided} tool calls interrupted, usually ${percent(usual.rate)} of ${usual.decided}`
        : `${percent(rate)} of ${decided} tool calls interrupted`,
      evidence: {
        interruption_rate: rate,
        interruptions,
        decided_calls: decided,
        lower_bound: lower,
        ...(usual
          ? { baseline_interruption_rate: usual.rate, baseline_interruptions: usual.interruptions, baseline_decided_calls: usual.decided, baseline_upper_bound: usual.upper }
          : {}),
        threshold,
        floor: rule.floor,
        min_decided: rule.minDecided,
      },
    },
  ];
}
