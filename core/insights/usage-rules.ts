// The rules about how the assistant is used up: compactions (the context filled up and was
// summarized) and tokens per prompt. Neither has a binomial count to test, so both ask for a
// minimum count and a large effect instead.
import { totalTokens } from '../metrics/token-usage.ts';
import { counted, type Finding } from './finding.ts';
import type { Comparison, MeasuredView } from './insight-input.ts';

export const FREQUENT_COMPACTIONS = {
  /** Compactions in the scope: one or two in a short burst of activity say nothing yet. */
  minCompactions: 3,
  /** Per active hour: the context (200k tokens for most models) filling every 30 min means the session carries
   *  large tool outputs or has outgrown one task; splitting it keeps answers grounded. */
  perHour: 2,
  /** Every 15 min: the session mostly works from summaries of itself. */
  warningPerHour: 4,
} as const;

export const TOKEN_SPIKE = {
  /** Prompts in the scope, so that one huge prompt does not make the average. */
  minPrompts: 10,
  /** Prompts in the baseline, so that the usual figure is one. */
  minBaselinePrompts: 30,
  /** Tokens per prompt three times the usual. Only totals are known, not the spread per prompt, so
   *  there is no variance to test against and the bar is a large effect instead: a few big reads
   *  among ten prompts move the mean, but tripling it takes a context or a habit that changed. */
  minRatio: 3,
  /** Ten times: a runaway context or loop, and the bill with it. */
  criticalRatio: 10,
} as const;

const HOUR_MS = 3_600_000;

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function frequentCompactions({ current }: Comparison): Finding[] {
  const rule = FREQUENT_COMPACTIONS;
  const perHour = current.usage.compactions_per_hour;
  const count = current.usage.compactions;
  if (perHour.status !== 'ok' || count < rule.minCompactions || perHour.value < rule.perHour) return [];
  const activeHours = current.latency.active_time_ms / HOUR_MS;
  return [
    {
      rule: 'frequent_compactions',
      subject: '',
      severity: perHour.value >= rule.warningPerHour ? 'warning' : 'info',
      title: `${count} compactions in ${counted(round(activeHours, 1), 'active hour')} (${round(perHour.value, 1)} per hour)`,
      evidence: {
        compactions_per_hour: perHour.value,
        compactions: count,
        auto_compactions: current.usage.compaction_triggers.auto ?? 0,
        active_hours: activeHours,
        min_compactions: rule.minCompactions,
        threshold_per_hour: rule.perHour,
      },
    },
  ];
}

interface PromptSpend {
  prompts: number;
  tokens: number;
  usd?: number;
}

/** Tokens (and priced cost) of a view with token data, or nothing when its tokens are unavailable. */
function promptSpend(view: MeasuredView): PromptSpend | undefined {
  const total = view.tokens.total;
  if (total.status !== 'ok') return undefined;
  const cost = view.tokens.cost;
  return { prompts: view.usage.prompts, tokens: totalTokens(total.value), ...(cost.status === 'ok' ? { usd: cost.value.usd } : {}) };
}

export function tokenSpike({ current, baseline }: Comparison): Finding[] {
  const rule = TOKEN_SPIKE;
  const now = promptSpend(current);
  const usual = baseline && promptSpend(baseline);
  if (!now || !usual || now.prompts < rule.minPrompts || usual.prompts < rule.minBaselinePrompts || usual.tokens === 0) return [];
  const perPrompt = now.tokens / now.prompts;
  const usualPerPrompt = usual.tokens / usual.prompts;
  const ratio = perPrompt / usualPerPrompt;
  if (ratio < rule.minRatio) return [];
  const costs: Record<string, number> = now.usd !== undefined && usual.usd !== undefined ? { usd_per_prompt: now.usd / now.prompts, baseline_usd_per_prompt: usual.usd / usual.prompts } : {};
  return [
    {
      rule: 'token_spike',
      subject: '',
      severity: ratio >= rule.criticalRatio ? 'critical' : 'warning',
      title: `${Math.round(perPrompt)} tokens per prompt over ${now.prompts} prompts, ${round(ratio, 1)} times the usual ${Math.round(usualPerPrompt)}`,
      evidence: {
        tokens_per_prompt: perPrompt,
        tokens: now.tokens,
        prompts: now.prompts,
        baseline_tokens_per_prompt: usualPerPrompt,
        baseline_tokens: usual.tokens,
        baseline_prompts: usual.prompts,
        ratio,
        ...costs,
        min_prompts: rule.minPrompts,
        min_baseline_prompts: rule.minBaselinePrompts,
        min_ratio: rule.minRatio,
      },
    },
  ];
}
