// The one percentile definition of the engine, and the sample sets it reads.
//
// Percentile: NEAREST RANK. For n samples sorted ascending x[1..n] and p in (0, 100],
//   P(p) = x[k] with k = ceil(p × n / 100) (and k = 1 when p × n / 100 < 1).
// So p50 of [10, 20, 30, 40] is x[2] = 20, p95 of 20 samples is x[19], p99 of 20 samples is x[20].
// Chosen over linear interpolation because the answer is always a latency (or delay, or length)
// that really happened, there is no interpolation variant to disagree on, and a person can check
// it by counting.
//
// Aggregation: samples are kept EXACT (a sorted array) and merged as a multiset union. Views of a
// project, a platform or a period merge their sessions' samples and apply the same P(p), so a full
// rebuild and the incremental path give identical percentiles whatever order the sessions arrive
// in, and the percentile of merged sessions equals the percentile of all their samples. The cost
// is 8 bytes per sample (one per tool call, prompt or edit decision: about 10^5 for a heavy month,
// under 1 MB). A mergeable sketch (DDSketch, t-digest) would bound that at the price of ~1 %
// relative error and of exact hand-checked tests; the swap stays local to this module.
import { ok, unavailable, type Metric } from './metric-value.ts';

export interface DistributionSummary {
  count: number;
  min: number;
  max: number;
  /** Sum of the samples in ascending order, divided by their count (same order, same float result). */
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentile of samples sorted ascending; p in (0, 100], integer p keeps the rank exact. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1]!;
}

export function sortSamples(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Multiset union of two ascending sample arrays, ascending. */
export function mergeSamples(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) merged[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) merged[k++] = a[i++]!;
  while (j < b.length) merged[k++] = b[j++]!;
  return merged;
}

export function summarize(sorted: readonly number[], whenEmpty: Metric<never>): Metric<DistributionSummary> {
  if (sorted.length === 0) return whenEmpty;
  let sum = 0;
  for (const value of sorted) sum += value;
  return ok({
    count: sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  });
}

export function summarizeOrNoData(sorted: readonly number[], what: string): Metric<DistributionSummary> {
  return summarize(sorted, unavailable('no_data', `no ${what} was observed`));
}
