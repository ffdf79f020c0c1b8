// Error patterns (GET /analysis/errors): which tools fail, how often and how, over a period, from
// the period view the metrics workers keep in Redis (exact tallies of every session active in it).
import type { Period } from '../metrics/aggregate-metrics.ts';
import type { Metric } from '../metrics/metric-value.ts';
import type { MetricsQuery } from './metrics-query.ts';

export interface ToolErrors {
  tool: string;
  calls: number;
  executions: number;
  failed: number;
  interrupted: number;
  denied: number;
  /** failed / executions. */
  failure_rate: number | null;
}

export interface ErrorPatterns {
  period: Period;
  scope: string;
  executions: number;
  errors: number;
  tool_error_rate: Metric<number> | null;
  interruption_rate: Metric<number> | null;
  /** Tools with at least `min_frequency` failures, most failures first. */
  tools: ToolErrors[];
  /** Error classes (closed vocabulary of the sanitizer) with at least `min_frequency` occurrences. */
  error_classes: Array<{ error_class: string; count: number }>;
  hook_errors: number;
}

export async function errorPatterns(metrics: MetricsQuery, period: Period, scope: string, minFrequency: number): Promise<ErrorPatterns> {
  const view = (await metrics.period(period, scope)).metrics;
  const tools: ToolErrors[] = Object.entries(view?.usage.tools ?? {})
    .map(([tool, usage]) => ({
      tool,
      calls: usage.calls,
      executions: usage.executions,
      failed: usage.failed,
      interrupted: usage.interrupted,
      denied: usage.denied,
      failure_rate: usage.executions > 0 ? usage.failed / usage.executions : null,
    }))
    .filter((tool) => tool.failed >= minFrequency && tool.failed > 0)
    .sort((a, b) => b.failed - a.failed || (a.tool < b.tool ? -1 : 1));
  const error_classes = Object.entries(view?.errors.error_classes ?? {})
    .map(([error_class, count]) => ({ error_class, count }))
    .filter((entry) => entry.count >= minFrequency && entry.count > 0)
    .sort((a, b) => b.count - a.count || (a.error_class < b.error_class ? -1 : 1));
  return {
    period,
    scope,
    executions: view?.errors.executions ?? 0,
    errors: view?.errors.errors ?? 0,
    tool_error_rate: view?.errors.tool_error_rate ?? null,
    interruption_rate: view?.errors.interruption_rate ?? null,
    tools,
    error_classes,
    hook_errors: view?.quality.hook_errors ?? 0,
  };
}
