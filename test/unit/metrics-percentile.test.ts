import assert from 'node:assert/strict';
import { ok, unavailable } from '../../core/metrics/metric-value.ts';
import { mergeSamples, percentile, sortSamples, summarize } from '../../core/metrics/percentile.ts';

describe('metrics engine: nearest-rank percentile', () => {
  it('takes x[ceil(p·n/100)] of the sorted samples', () => {
    const four = [10, 20, 30, 40];
    assert.equal(percentile(four, 50), 20); // ceil(2) = 2
    assert.equal(percentile(four, 75), 30); // ceil(3) = 3
    assert.equal(percentile(four, 76), 40); // ceil(3.04) = 4
    assert.equal(percentile(four, 100), 40);
    assert.equal(percentile(four, 1), 10); // ceil(0.04) = 1
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(percentile(twenty, 95), 19); // 95·20/100 = 19 exactly, no float drift to 20
    assert.equal(percentile(twenty, 99), 20); // ceil(19.8)
    assert.equal(percentile([7], 50), 7);
  });

  it('refuses no samples and percentiles outside (0, 100]', () => {
    assert.throws(() => percentile([], 50), RangeError);
    assert.throws(() => percentile([1], 0), RangeError);
    assert.throws(() => percentile([1], 101), RangeError);
  });

  it('summarizes, or reports the given reason when there is nothing', () => {
    assert.deepEqual(summarize([1, 2, 3, 10], unavailable('no_data', 'x')), ok({ count: 4, min: 1, max: 10, mean: 4, p50: 2, p95: 10, p99: 10 }));
    assert.deepEqual(summarize([], unavailable('no_data', 'nothing')), unavailable('no_data', 'nothing'));
  });

  it('merges sample sets so the merged percentile is the percentile of all samples', () => {
    const a = sortSamples([5, 1, 9, 3]);
    const b = sortSamples([2, 8, 8, 100, 4]);
    const merged = mergeSamples(a, b);
    assert.deepEqual(merged, sortSamples([...a, ...b]));
    assert.deepEqual(mergeSamples(b, a), merged);
    for (const p of [50, 95, 99]) assert.equal(percentile(merged, p), percentile(sortSamples([5, 1, 9, 3, 2, 8, 8, 100, 4]), p));
  });
});
