// How the CLI's reports put numbers on a terminal: aligned tables, counts, rates, durations, money,
// a metric that may be unavailable (shown with its reason, never as 0), the change of a number
// against the period before, and sparklines of a series.
import type { Metric } from '../metrics/metric-value.ts';

export type Align = 'left' | 'right';

/**
 * Rows padded into columns, two spaces between, each line indented by two. The first column is
 * left-aligned and the others right-aligned unless `align` says otherwise; trailing blanks are cut.
 */
export function table(rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const alignOf = (column: number): Align => align[column] ?? (column === 0 ? 'left' : 'right');
  return rows.map((row) => `  ${widths.map((width, column) => (alignOf(column) === 'left' ? (row[column] ?? '').padEnd(width) : (row[column] ?? '').padStart(width))).join('  ')}`.trimEnd());
}

/** 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A fraction in 0..1 → "12.5 %". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd >= 100 ? 2 : 4)}`;
}

/** The metric's value, or "n/a (why)". */
export function shown<T>(metric: Metric<T>, format: (value: T) => string): string {
  return metric.status === 'ok' ? format(metric.value) : `n/a (${metric.detail})`;
}

/** "2026-12-04T22:31:07.120Z" → "2026-12-04 22:31" (UTC, as stored); null → "-". */
export function formatTime(iso: string | null): string {
  return iso === null ? '-' : iso.replace('T', ' ').slice(0, 16);
}

/** How a change is told: counts and money by how much they moved, rates in percentage points. */
export type ChangeKind = 'count' | 'rate' | 'duration' | 'usd';

/**
 * The change from `previous` to `current`: "+3 (+25 %)", "-5.0 pp", "+1.2 s (+10 %)", "same";
 * "n/a" when either side is unknown (no previous period, or an unavailable metric).
 */
export function formatChange(current: number | null, previous: number | null, kind: ChangeKind): string {
  if (current === null || previous === null) return 'n/a';
  const delta = current - previous;
  if (kind === 'rate') {
    const points = delta * 100;
    return Math.abs(points) < 0.05 ? 'same' : `${points > 0 ? '+' : '-'}${Math.abs(points).toFixed(1)} pp`;
  }
  // Below what the format shows (a token, a millisecond, a hundredth of a cent).
  if (Math.abs(delta) < (kind === 'usd' ? 0.00005 : 0.5)) return 'same';
  const absolute = kind === 'count' ? formatCount(Math.abs(delta)) : kind === 'usd' ? formatUsd(Math.abs(delta)) : formatMs(Math.abs(delta));
  const sign = delta > 0 ? '+' : '-';
  const relative = previous > 0 ? ` (${sign}${Math.round((Math.abs(delta) / previous) * 100)} %)` : '';
  return `${sign}${absolute}${relative}`;
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * One character per value, its height relative to the largest: a blank for 0 (so nothing and a
 * little stay apart), then ▁ to █. Negative or non-finite values count as 0.
 */
export function sparkline(values: readonly number[]): string {
  const clean = values.map((value) => (Number.isFinite(value) && value > 0 ? value : 0));
  const max = Math.max(0, ...clean);
  return clean.map((value) => (value === 0 ? ' ' : BLOCKS[Math.min(BLOCKS.length - 1, Math.ceil((value / max) * BLOCKS.length) - 1)]!)).join('');
}

/**
 * Sums timed points into `count` equal bins starting at `startMs` (`binMs` wide); points outside
 * are left out. Empty bins are 0: a series stores only the buckets that saw activity.
 */
export function binSeries(points: ReadonlyArray<{ ms: number; value: number }>, startMs: number, binMs: number, count: number): number[] {
  const bins = new Array<number>(count).fill(0);
  for (const { ms, value } of points) {
    const index = Math.floor((ms - startMs) / binMs);
    if (index >= 0 && index < count) bins[index]! += value;
  }
  return bins;
}
