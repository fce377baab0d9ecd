import { errorFunction, median, wilcoxonRankSum } from 'simple-statistics';

export interface LatencyShift {
  /** median(current) / median(baseline). */
  readonly medianRatio: number;
  /** One-sided p-value that current latencies are stochastically larger (Mann–Whitney U). */
  readonly pSlower: number;
  /** One-sided p-value that current latencies are stochastically smaller. */
  readonly pFaster: number;
}

/**
 * Compares two runs' raw per-query latencies with the Mann–Whitney U test (normal approximation
 * with tie and continuity correction): a median that moved by noise alone is not a regression.
 */
export function latencyShift(baseline: readonly number[], current: readonly number[]): LatencyShift {
  const n1 = current.length;
  const n2 = baseline.length;
  const n = n1 + n2;
  const u = wilcoxonRankSum([...current], [...baseline]) - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm([...current, ...baseline]) / (n * (n - 1))));
  const upper = (z: number): number => 0.5 * (1 - errorFunction(z / Math.SQRT2));
  const pSlower = sigma === 0 ? 1 : upper((u - mean - 0.5) / sigma);
  const pFaster = sigma === 0 ? 1 : upper((mean - u - 0.5) / sigma);
  return { medianRatio: median([...current]) / median([...baseline]), pSlower, pFaster };
}

/** Σ (t³ − t) over groups of tied values. */
function tieTerm(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let sum = 0;
  for (const t of counts.values()) sum += t ** 3 - t;
  return sum;
}
