// The confidence interval the rate rules compare: Wilson's score interval for a binomial
// proportion. Chosen over the plain k/n ± z·√(p(1−p)/n) (Wald) interval because the rates the
// rules read are often near 0 (tool failures) or near 1 (acceptance) and the counts small, where
// Wald collapses to a zero-width interval at k = 0 or k = n and so would call 0 failures in 30
// runs "certainly 0 %". Wilson stays inside [0, 1] and keeps a real width there (0 of 30: up to
// 11.4 %), so "the intervals of two rates do not overlap" is a usable, conservative test of a
// difference without any distribution library.

/** z for a two-sided 95 % interval: each bound is a one-sided 97.5 % bound. */
export const Z_95 = 1.959964;

export interface Interval {
  lower: number;
  upper: number;
}

export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Interval {
  if (!(trials > 0) || successes < 0 || successes > trials) throw new RangeError(`wilson interval of ${successes} in ${trials}`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // The exact bounds at k = 0 and k = n are 0 and 1; rounding must not leave 1e-17 there.
  return { lower: successes === 0 ? 0 : Math.max(0, center - half), upper: successes === trials ? 1 : Math.min(1, center + half) };
}
