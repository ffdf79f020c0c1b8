// Period views as a terminal report (`blueplane metrics`): a table of the main numbers of a scope
// over a period, each with the same number over the period before and the change between them,
// then a sparkline of activity per bucket of the period. Unavailable metrics read "n/a" with
// their reason under the table, never 0; without a previous period the change column reads "n/a".
import type { AggregateMetrics, Period } from '../metrics/aggregate-metrics.ts';
import { ok, type Metric } from '../metrics/metric-value.ts';
import type { PublicView } from '../metrics/public-view.ts';
import type { PeriodView, SeriesAnswer } from '../query/metrics-query.ts';
import type { SeriesResolution } from '../slow-path/metrics-series.ts';
import { binSeries, formatChange, formatCount, formatMs, formatPercent, formatTime, formatUsd, sparkline, table, type ChangeKind } from './terminal-format.ts';

type View = PublicView<AggregateMetrics>;

interface MetricRow {
  label: string;
  kind: ChangeKind;
  read(view: View): Metric<number>;
}

function map<T>(metric: Metric<T>, pick: (value: T) => number): Metric<number> {
  return metric.status === 'ok' ? ok(pick(metric.value)) : metric;
}

const count = (pick: (view: View) => number) => (view: View) => ok(pick(view));

/** The rows of the table, in reading order. */
export const METRIC_ROWS: readonly MetricRow[] = [
  { label: 'sessions', kind: 'count', read: count((view) => view.sessions) },
  { label: 'prompts', kind: 'count', read: count((view) => view.usage.prompts) },
  { label: 'tool calls', kind: 'count', read: count((view) => view.usage.tool_calls) },
  { label: 'tool errors', kind: 'count', read: count((view) => view.errors.errors) },
  { label: 'tool error rate', kind: 'rate', read: (view) => view.errors.tool_error_rate },
  { label: 'interruption rate', kind: 'rate', read: (view) => view.errors.interruption_rate },
  { label: 'acceptance rate', kind: 'rate', read: (view) => view.acceptance.acceptance_rate },
  { label: 'time to accept p50', kind: 'duration', read: (view) => map(view.acceptance.time_to_accept_ms, (summary) => summary.p50) },
  { label: 'lines added', kind: 'count', read: count((view) => view.code.lines_added) },
  { label: 'lines removed', kind: 'count', read: count((view) => view.code.lines_removed) },
  { label: 'tokens in', kind: 'count', read: (view) => map(view.tokens.total, (tokens) => tokens.input) },
  { label: 'tokens out', kind: 'count', read: (view) => map(view.tokens.total, (tokens) => tokens.output) },
  { label: 'tokens cache read', kind: 'count', read: (view) => map(view.tokens.total, (tokens) => tokens.cache_read) },
  { label: 'tokens cache write', kind: 'count', read: (view) => map(view.tokens.total, (tokens) => tokens.cache_write) },
  { label: 'estimated cost', kind: 'usd', read: (view) => map(view.tokens.cost, (cost) => cost.usd) },
  { label: 'active time', kind: 'duration', read: count((view) => view.latency.active_time_ms) },
];

function formatValue(value: number, kind: ChangeKind): string {
  switch (kind) {
    case 'count':
      return formatCount(value);
    case 'rate':
      return formatPercent(value);
    case 'duration':
      return formatMs(value);
    case 'usd':
      return formatUsd(value);
  }
}

const PERIOD_WORDS: Record<Period, string> = { '1h': 'hour', '24h': '24 h', '7d': '7 days', '30d': '30 days' };

/** "all sessions", "platform cursor", "project 3f9a2c…". */
export function describeMetricsScope(scope: string): string {
  if (scope === 'all') return 'all sessions';
  const colon = scope.indexOf(':');
  return colon < 0 ? scope : `${scope.slice(0, colon)} ${scope.slice(colon + 1)}`;
}

/**
 * The table of one view. Cells: metric, value, previous, change. A metric unavailable in the
 * period reads "n/a" and its reason is listed under the table (`notes`).
 */
export function metricsTable(view: PeriodView): { lines: string[]; notes: string[] } {
  const rows: string[][] = [['metric', 'value', 'previous', 'change']];
  const notes: string[] = [];
  const current = view.metrics!;
  for (const row of METRIC_ROWS) {
    const now = row.read(current);
    const before = view.previous ? row.read(view.previous) : undefined;
    if (now.status !== 'ok') notes.push(`${row.label}: n/a (${now.detail})`);
    rows.push([
      row.label,
      now.status === 'ok' ? formatValue(now.value, row.kind) : 'n/a',
      before === undefined ? 'n/a' : before.status === 'ok' ? formatValue(before.value, row.kind) : 'n/a',
      formatChange(now.status === 'ok' ? now.value : null, before?.status === 'ok' ? before.value : null, row.kind),
    ]);
  }
  if (current.tokens.cost.status === 'ok' && current.tokens.cost.value.unpriced_models.length > 0) notes.push(`estimated cost: no price for ${current.tokens.cost.value.unpriced_models.join(', ')} (prices.json in the data folder adds one)`);
  if (view.previous === null) notes.push(`previous, change: n/a (${view.period === '30d' ? 'the daemon keeps 30 days, so there is no period before 30d' : 'nothing was recorded in the period before'})`);
  return { lines: table(rows), notes };
}

/** How a period is charted: which stored resolution, summed into bins of what width, how many. */
export interface ChartPlan {
  resolution: SeriesResolution['name'];
  binMs: number;
  bins: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** About 50 to 60 columns per period, from the finest resolution still kept that long. */
export const CHART_PLANS: Readonly<Record<Period, ChartPlan>> = {
  '1h': { resolution: '1m', binMs: MINUTE, bins: 60 },
  '24h': { resolution: '5m', binMs: 30 * MINUTE, bins: 48 },
  '7d': { resolution: '1h', binMs: 3 * HOUR, bins: 56 },
  '30d': { resolution: '1h', binMs: 12 * HOUR, bins: 60 },
};

/** The first bin's start: bins end with the one holding `now`. */
export function chartStart(plan: ChartPlan, now: number): number {
  return (Math.floor(now / plan.binMs) + 1) * plan.binMs - plan.bins * plan.binMs;
}

function binWords(ms: number): string {
  return ms >= HOUR ? `${ms / HOUR} h` : `${ms / MINUTE} min`;
}

/** Sparklines of events and tool calls per bin, with the time the chart starts at. */
export function activityChart(series: SeriesAnswer, plan: ChartPlan, now: number): string[] {
  const start = chartStart(plan, now);
  const pointsOf = (field: 'events' | 'tool_calls') => series.points.map((point) => ({ ms: Date.parse(point.start), value: point[field] }));
  const events = binSeries(pointsOf('events'), start, plan.binMs, plan.bins);
  const tools = binSeries(pointsOf('tool_calls'), start, plan.binMs, plan.bins);
  const head = `Activity per ${binWords(plan.binMs)} (${describeMetricsScope(series.scope)}; max ${formatCount(Math.max(...events))} events, ${formatCount(Math.max(...tools))} tool calls in one)`;
  const axisStart = formatTime(new Date(start).toISOString());
  return [head, `  events      │${sparkline(events)}│`, `  tool calls  │${sparkline(tools)}│`, `               ${axisStart.padEnd(plan.bins - 3)}now`];
}

export function formatMetricsReport(views: readonly PeriodView[], series: SeriesAnswer, period: Period, now: number): string {
  const lines: string[] = [];
  const active = views.filter((view) => view.metrics !== null);
  if (active.length === 0) {
    const scope = views.length === 1 ? describeMetricsScope(views[0]!.scope) : 'any scope';
    lines.push(`No activity in the last ${PERIOD_WORDS[period]} (${scope}).`, 'If there should be: `blueplane status` shows whether the daemon runs and stores events; `blueplane metrics rebuild` recomputes the live metrics from the database.');
    return `${lines.join('\n')}\n`;
  }
  for (const view of active) {
    const { lines: rows, notes } = metricsTable(view);
    lines.push(`Metrics of the last ${PERIOD_WORDS[period]}, ${describeMetricsScope(view.scope)} (previous: the ${PERIOD_WORDS[period]} before)`, ...rows);
    if (view.cursor_line_acceptance && view.cursor_line_acceptance.days > 0) {
      const { composer, tab, days } = view.cursor_line_acceptance;
      const rate = (metric: Metric<number>) => (metric.status === 'ok' ? formatPercent(metric.value) : 'n/a');
      lines.push(`  Cursor's own count: composer lines kept ${rate(composer.rate)} (${formatCount(composer.accepted_lines)} of ${formatCount(composer.suggested_lines)}), Tab ${rate(tab.rate)}, over ${days} day${days === 1 ? '' : 's'}`);
    }
    if (notes.length > 0) lines.push('', ...notes.map((note) => `  ${note}`));
    lines.push('');
  }
  lines.push(...activityChart(series, CHART_PLANS[period], now));
  return `${lines.join('\n')}\n`;
}
