// What an optional LLM provider may see: a summary of metrics built field by field from numbers,
// plus tool and model names and closed vocabularies (scopes, windows). No id, hash, scope key,
// file extension, error text or any other string of an event can reach it: the builder never
// copies a string it did not choose itself, except tool and model names, and those only when
// they look like names (anything else becomes "other"). The provider does not need to know which
// project or session it is looking at; findings come back by scope kind and are keyed here.
import type { Metric } from '../metrics/metric-value.ts';
import type { DistributionSummary } from '../metrics/percentile.ts';
import { AGGREGATE_SCOPES, type InsightInput, type MeasuredView } from './insight-input.ts';
import type { InsightScope } from './finding.ts';

/** The session's own events; the last 24 h of a scope; the 7 days before those. */
export type SummaryWindow = 'session' | '24h' | 'baseline_7d';

export const SUMMARY_NUMBERS = [
  'events',
  'hook_errors',
  'tool_calls',
  'tool_executions',
  'tool_errors',
  'tool_interruptions',
  'tool_error_rate',
  'interruption_rate',
  'proposals',
  'accepted_not_reverted',
  'acceptance_rate',
  'applied_edits',
  'revert_rate',
  'lines_added',
  'lines_removed',
  'files_touched',
  'prompts',
  'response_p50_ms',
  'response_p95_ms',
  'active_time_ms',
  'duration_ms',
  'compactions',
  'compactions_per_hour',
  'subagents',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
] as const;
export type SummaryNumber = (typeof SUMMARY_NUMBERS)[number];

export const TOOL_NUMBERS = ['calls', 'executions', 'failed', 'interrupted', 'denied', 'latency_p50_ms', 'latency_p95_ms'] as const;
export const MODEL_NUMBERS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cost_usd'] as const;

/** Unavailable metrics are null: the provider must not read them as zero either. */
export type SummaryNumbers<K extends string> = { [key in K]: number | null };

export interface ToolSummary {
  tool: string;
  numbers: SummaryNumbers<(typeof TOOL_NUMBERS)[number]>;
}

export interface ModelSummary {
  model: string;
  numbers: SummaryNumbers<(typeof MODEL_NUMBERS)[number]>;
}

export interface ViewSummary {
  scope: InsightScope;
  window: SummaryWindow;
  sessions: number;
  numbers: SummaryNumbers<SummaryNumber>;
  tools: ToolSummary[];
  models: ModelSummary[];
}

export interface MetricsSummary {
  views: ViewSummary[];
}

/** A tool name: Edit, Bash, mcp__server__tool, Task… */
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
/** A model name: claude-opus-4-5, gpt-5.1-codex, composer-2, anthropic/claude… */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,79}$/;
export const OTHER_NAME = 'other';

function summaryName(name: string, pattern: 'tool' | 'model'): string {
  return (pattern === 'tool' ? TOOL_NAME : MODEL_NAME).test(name) ? name : OTHER_NAME;
}

function number(metric: Metric<number>): number | null {
  return metric.status === 'ok' ? metric.value : null;
}

function quantile(metric: Metric<DistributionSummary>, key: 'p50' | 'p95'): number | null {
  return metric.status === 'ok' ? metric.value[key] : null;
}

function viewNumbers(view: MeasuredView): SummaryNumbers<SummaryNumber> {
  const { acceptance, errors, latency, tokens, code, usage, quality } = view;
  const total = tokens.total.status === 'ok' ? tokens.total.value : undefined;
  return {
    events: quality.events,
    hook_errors: quality.hook_errors,
    tool_calls: usage.tool_calls,
    tool_executions: errors.executions,
    tool_errors: errors.errors,
    tool_interruptions: errors.interruptions,
    tool_error_rate: number(errors.tool_error_rate),
    interruption_rate: number(errors.interruption_rate),
    proposals: acceptance.proposals,
    accepted_not_reverted: acceptance.accepted_not_reverted,
    acceptance_rate: number(acceptance.acceptance_rate),
    applied_edits: acceptance.applied_edits,
    revert_rate: number(acceptance.revert_rate),
    lines_added: code.lines_added,
    lines_removed: code.lines_removed,
    files_touched: code.files_touched,
    prompts: usage.prompts,
    response_p50_ms: quantile(latency.response_time_ms, 'p50'),
    response_p95_ms: quantile(latency.response_time_ms, 'p95'),
    active_time_ms: latency.active_time_ms,
    duration_ms: latency.duration_ms,
    compactions: usage.compactions,
    compactions_per_hour: number(usage.compactions_per_hour),
    subagents: usage.subagents.count,
    input_tokens: total?.input ?? null,
    output_tokens: total?.output ?? null,
    cache_read_tokens: total?.cache_read ?? null,
    cache_write_tokens: total?.cache_write ?? null,
    cost_usd: tokens.cost.status === 'ok' ? tokens.cost.value.usd : null,
  };
}

function toolSummaries(view: MeasuredView): ToolSummary[] {
  return Object.entries(view.usage.tools).map(([tool, usage]) => ({
    tool: summaryName(tool, 'tool'),
    numbers: {
      calls: usage.calls,
      executions: usage.executions,
      failed: usage.failed,
      interrupted: usage.interrupted,
      denied: usage.denied,
      latency_p50_ms: quantile(usage.latency_ms, 'p50'),
      latency_p95_ms: quantile(usage.latency_ms, 'p95'),
    },
  }));
}

function modelSummaries(view: MeasuredView): ModelSummary[] {
  return Object.entries(view.tokens.per_model).map(([model, counts]) => ({
    model: summaryName(model, 'model'),
    numbers: {
      input_tokens: counts.input,
      output_tokens: counts.output,
      cache_read_tokens: counts.cache_read,
      cache_write_tokens: counts.cache_write,
      cost_usd: number(counts.cost_usd),
    },
  }));
}

function viewSummary(scope: InsightScope, window: SummaryWindow, view: MeasuredView, sessions: number): ViewSummary {
  return { scope, window, sessions, numbers: viewNumbers(view), tools: toolSummaries(view), models: modelSummaries(view) };
}

/** The input's views: the session's own, then each scope's last 24 h and its baseline. */
export function summarizeMetrics(input: InsightInput): MetricsSummary {
  const views: ViewSummary[] = [];
  if (input.session) views.push(viewSummary('session', 'session', input.session, 1));
  for (const scope of AGGREGATE_SCOPES) {
    const scopeViews = input[scope];
    if (!scopeViews) continue;
    views.push(viewSummary(scope, '24h', scopeViews.recent, scopeViews.recent.sessions));
    views.push(viewSummary(scope, 'baseline_7d', scopeViews.baseline, scopeViews.baseline.sessions));
  }
  return { views };
}
