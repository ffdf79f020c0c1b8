import assert from 'node:assert/strict';
import { binSeries, formatChange, shown, sparkline, table } from '../../core/cli/terminal-format.ts';
import { ok, unavailable } from '../../core/metrics/metric-value.ts';

describe('terminal format: sparkline', () => {
  it('draws each value relative to the largest: blank for 0, the lowest block for a little, the full block for the largest', () => {
    assert.equal(sparkline([0, 1, 8, 4, 0]), ' ▁█▄ ');
    assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
    assert.equal(sparkline([1, 1000]), '▁█', 'a small value stays visible next to a large one');
  });

  it('is one character per value, blank throughout when nothing happened, and empty for no values', () => {
    assert.equal(sparkline([0, 0, 0]), '   ');
    assert.equal(sparkline([]), '');
    assert.equal([...sparkline(new Array(60).fill(3))].length, 60);
  });

  it('counts negative and non-finite values as 0', () => {
    assert.equal(sparkline([-5, Number.NaN, Number.POSITIVE_INFINITY, 2]), '   █');
  });
});

describe('terminal format: series bins', () => {
  it('sums points into equal bins from the start, leaves out points outside, and keeps empty bins at 0', () => {
    const points = [
      { ms: 1000, value: 2 },
      { ms: 1999, value: 3 },
      { ms: 3500, value: 7 },
      { ms: 999, value: 100 },
      { ms: 5000, value: 100 },
    ];
    assert.deepEqual(binSeries(points, 1000, 1000, 4), [5, 0, 7, 0]);
  });
});

describe('terminal format: change against the previous period', () => {
  it('is n/a when there is no previous period or either value is unknown', () => {
    assert.equal(formatChange(5, null, 'count'), 'n/a');
    assert.equal(formatChange(null, 5, 'rate'), 'n/a');
  });

  it('tells counts, money and durations by how much and by what share they moved', () => {
    assert.equal(formatChange(15, 12, 'count'), '+3 (+25 %)');
    assert.equal(formatChange(1000, 4000, 'count'), '-3,000 (-75 %)');
    assert.equal(formatChange(3, 0, 'count'), '+3', 'no share of nothing');
    assert.equal(formatChange(1.5, 1, 'usd'), '+$0.5000 (+50 %)');
    assert.equal(formatChange(3000, 2000, 'duration'), '+1.0 s (+50 %)');
  });

  it('tells rates in percentage points, not as a share of a share', () => {
    assert.equal(formatChange(0.55, 0.5, 'rate'), '+5.0 pp');
    assert.equal(formatChange(0.25, 0.5, 'rate'), '-25.0 pp');
  });

  it('says "same" when nothing moved', () => {
    assert.equal(formatChange(7, 7, 'count'), 'same');
    assert.equal(formatChange(0.5, 0.5, 'rate'), 'same');
  });
});

describe('terminal format: tables and unavailable metrics', () => {
  it('pads columns (first left, others right unless told), two spaces apart, without trailing blanks', () => {
    assert.deepEqual(table([['name', 'n', 'note'], ['Bash', '12', ''], ['Read', '3', 'slow']], ['left', 'right', 'left']), ['  name   n  note', '  Bash  12', '  Read   3  slow']);
  });

  it('shows an unavailable metric with its reason, never as 0', () => {
    assert.equal(shown(ok(0.5), (value) => `${value * 100} %`), '50 %');
    assert.equal(shown(unavailable('platform_lacks_input', 'Cursor has no edit proposals'), String), 'n/a (Cursor has no edit proposals)');
  });
});
