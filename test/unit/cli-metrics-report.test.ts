import assert from 'node:assert/strict';
import { activityChart, CHART_PLANS, chartStart, formatMetricsReport, metricsTable } from '../../core/cli/metrics-report.ts';
import { aggregateMetrics } from '../../core/metrics/aggregate-metrics.ts';
import { publicView } from '../../core/metrics/public-view.ts';
import { computeSessionMetrics } from '../../core/metrics/session-metrics.ts';
import type { PeriodView, SeriesAnswer } from '../../core/query/metrics-query.ts';
import { SERIES_FIELDS } from '../../core/slow-path/metrics-series.ts';
import { priceOf } from './metrics-builders.ts';
import { claudeSession, cursorSession } from './metrics-sample-sessions.ts';

const claude = () => {
  const s = claudeSession();
  return computeSessionMetrics(s.events, { usage: s.usageEvents, priceOf });
};
const cursor = () => computeSessionMetrics(cursorSession().events, { priceOf });

function periodView(scope: string, current: ReturnType<typeof claude>[], previous: ReturnType<typeof claude>[] | null): PeriodView {
  return {
    period: '24h',
    scope,
    sessions: current.length,
    metrics: publicView(aggregateMetrics(current, { priceOf })),
    previous: previous ? publicView(aggregateMetrics(previous, { priceOf })) : null,
    cursor_line_acceptance: null,
  };
}

/** The table as metric → [value, previous, change], cells split on runs of 2+ blanks. */
function cells(lines: string[]): Map<string, string[]> {
  return new Map(lines.slice(1).map((line) => {
    const [label, ...rest] = line.trim().split(/\s{2,}/);
    return [label!, rest];
  }));
}

const emptySeries = (scope: string): SeriesAnswer => ({ scope, resolution: '5m', bucket_ms: 300_000, fields: SERIES_FIELDS, points: [] });

describe('metrics report: the period table', () => {
  it('shows each main number with the previous period and the change', () => {
    const view = periodView('all', [claude(), cursor()], [claude()]);
    const table = cells(metricsTable(view).lines);
    const current = view.metrics!;
    assert.deepEqual(table.get('sessions'), ['2', '1', '+1 (+100 %)']);
    assert.deepEqual(table.get('prompts'), [String(current.usage.prompts), String(view.previous!.usage.prompts), `+${current.usage.prompts - view.previous!.usage.prompts} (+${Math.round(((current.usage.prompts - view.previous!.usage.prompts) / view.previous!.usage.prompts) * 100)} %)`]);
    assert.equal(table.get('tool calls')![0], String(current.usage.tool_calls));
    assert.equal(table.get('lines added')![0], String(current.code.lines_added));
    assert.equal(table.get('tokens in')![0], current.tokens.total.status === 'ok' ? current.tokens.total.value.input.toLocaleString('en-US') : 'n/a');
    assert.match(table.get('tool error rate')![2]!, /^[+-]\d+\.\d pp$|^same$/, 'rates change in percentage points');
    for (const label of ['sessions', 'prompts', 'tool calls', 'tool errors', 'tool error rate', 'interruption rate', 'acceptance rate', 'time to accept p50', 'lines added', 'lines removed', 'tokens in', 'tokens out', 'tokens cache read', 'tokens cache write', 'estimated cost', 'active time']) {
      assert.ok(table.has(label), `row ${label}`);
    }
  });

  it('reads n/a in the previous and change columns when there is no previous period, and says why', () => {
    const view = periodView('all', [claude()], null);
    const { lines, notes } = metricsTable(view);
    for (const [label, [, previous, change]] of cells(lines)) {
      assert.equal(previous, 'n/a', `${label} previous`);
      assert.equal(change, 'n/a', `${label} change`);
    }
    assert.ok(notes.some((note) => /^previous, change: n\/a \(nothing was recorded in the period before\)/.test(note)), notes.join('\n'));
  });

  it('shows a metric the platform cannot supply as n/a with its reason, never as 0', () => {
    const view = periodView('platform:cursor', [cursor()], [cursor()]);
    const { lines, notes } = metricsTable(view);
    const acceptance = cells(lines).get('acceptance rate')!;
    assert.deepEqual(acceptance, ['n/a', 'n/a', 'n/a']);
    const metric = view.metrics!.acceptance.acceptance_rate;
    assert.equal(metric.status, 'unavailable');
    assert.ok(notes.includes(`acceptance rate: n/a (${metric.status === 'unavailable' ? metric.detail : ''})`), notes.join('\n'));
    assert.deepEqual(cells(lines).get('sessions'), ['1', '1', 'same']);
  });
});

describe('metrics report: the activity chart and the whole report', () => {
  it('sums the stored buckets into the bins of the period, the last bin holding now', () => {
    const plan = CHART_PLANS['24h'];
    const now = Date.UTC(2026, 11, 4, 22, 40);
    const start = chartStart(plan, now);
    assert.equal(start, Date.UTC(2026, 11, 3, 23, 0), '48 bins of 30 min ending with the one of 22:30');
    const point = (ms: number, events: number, tools: number) => ({ start: new Date(ms).toISOString(), events, prompts: 0, tool_calls: tools, tool_errors: 0, edits: 0, lines_added: 0, lines_removed: 0, tokens: 0 });
    const series: SeriesAnswer = { ...emptySeries('all'), points: [point(start, 4, 1), point(start + 5 * 60_000, 4, 0), point(Date.UTC(2026, 11, 4, 22, 35), 2, 2)] };
    const [head, events, tools] = activityChart(series, plan, now);
    assert.match(head!, /per 30 min .*max 8 events, 2 tool calls/);
    assert.equal(events, `  events      │█${' '.repeat(46)}▂│`);
    assert.equal(tools, `  tool calls  │▄${' '.repeat(46)}█│`);
  });

  it('says there was no activity, and what to check, when the period is empty', () => {
    const view: PeriodView = { period: '1h', scope: 'all', sessions: 0, metrics: null, previous: null, cursor_line_acceptance: null };
    const text = formatMetricsReport([view], emptySeries('all'), '1h', Date.now());
    assert.match(text, /^No activity in the last hour \(all sessions\)\./);
    assert.match(text, /blueplane status/);
  });

  it('prints one table per scope with --by, then the chart', () => {
    const text = formatMetricsReport([periodView('platform:claude_code', [claude()], null), periodView('platform:cursor', [cursor()], null)], emptySeries('all'), '24h', Date.now());
    assert.match(text, /Metrics of the last 24 h, platform claude_code/);
    assert.match(text, /Metrics of the last 24 h, platform cursor/);
    assert.match(text, /Activity per 30 min \(all sessions/);
  });
});
