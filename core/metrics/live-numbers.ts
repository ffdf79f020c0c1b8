// The status bar's numbers for the current session (METRICS.md "Live numbers"): a projection of
// its session metrics, recomputed by the worker each time an event of the session arrives.
import type { Metric } from './metric-value.ts';
import { ok } from './metric-value.ts';
import type { SessionMetrics } from './session-metrics.ts';
import { totalTokens, type CostEstimate } from './token-usage.ts';

export interface LiveNumbers {
  session_id: string;
  /** Claude Code: accepted, not reverted / decided proposals. Cursor: unavailable (see applied_edits). */
  acceptance_rate: Metric<number>;
  applied_edits: number;
  /** Input + output + cache read + cache write tokens so far. */
  tokens: Metric<number>;
  cost: Metric<CostEstimate>;
  tool_calls: number;
  tool_errors: number;
  active_time_ms: number;
}

export function liveNumbers(metrics: SessionMetrics): LiveNumbers {
  const tokens = metrics.tokens.total;
  return {
    session_id: metrics.session_id,
    acceptance_rate: metrics.acceptance.acceptance_rate,
    applied_edits: metrics.acceptance.applied_edits,
    tokens: tokens.status === 'ok' ? ok(totalTokens(tokens.value)) : tokens,
    cost: metrics.tokens.cost,
    tool_calls: metrics.usage.tool_calls,
    tool_errors: metrics.errors.errors,
    active_time_ms: metrics.latency.active_time_ms,
  };
}
