// What a metric is when the engine reports it: a value, or `unavailable` with a reason, never a 0
// standing in for "we could not know" (METRICS.md). Rates are ratios of two counts, so that a
// project or period view adds numerators and denominators instead of averaging rates.

/**
 * Why a metric has no value:
 * - `platform_lacks_input`: none of the platforms involved captures the input (Cursor has no
 *   PreToolUse, so no edit proposals);
 * - `not_observable`: no hook of any platform can see it (a person's own edits after an accept);
 * - `no_data`: the input can exist but none was seen (no prompt, so no response time; 0 / 0);
 * - `no_price`: tokens were counted but no price is known for the model.
 */
export type UnavailableReason = 'platform_lacks_input' | 'not_observable' | 'no_data' | 'no_price';

export type Metric<T> =
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'unavailable'; readonly reason: UnavailableReason; readonly detail: string };

export function ok<T>(value: T): Metric<T> {
  return { status: 'ok', value };
}

export function unavailable(reason: UnavailableReason, detail: string): Metric<never> {
  return { status: 'unavailable', reason, detail };
}

/** numerator / denominator as a fraction in 0..1, or unavailable when nothing was counted. */
export function ratio(numerator: number, denominator: number, whenEmpty: Metric<never>): Metric<number> {
  return denominator > 0 ? ok(numerator / denominator) : whenEmpty;
}

/** Adds per-key counts; keys come out sorted so equal inputs serialize equally. */
export function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) sum[key] = (a[key] ?? 0) + (b[key] ?? 0);
  return sum;
}

export function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** The same record with its keys in sorted order (deterministic JSON). */
export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key]!;
  return sorted;
}

/** Union of two sorted string sets, sorted. */
export function unionSorted(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
