import { studentTUpperTail } from './student-t.js';

/** How latency moved across interleaved rounds, judged with the round as the unit of evidence. */
export interface RoundShift {
  /** ln(current median / baseline median), one per round, in round order. */
  readonly logRatios: readonly number[];
  /** exp(mean log ratio) − 1: the typical relative change, +0.10 = 10% slower. */
  readonly change: number;
  /** One-sample t statistic of the log ratios against 0; undefined with fewer than 2 rounds. */
  readonly t?: number;
  /** One-sided p-value that current is slower (t test, rounds − 1 degrees of freedom). */
  readonly pSlower?: number;
  /** One-sided p-value that current is faster. */
  readonly pFaster?: number;
}

/**
 * Judges a latency change from per-round medians of baseline and current, where round i ran
 * baseline i and current i back to back (interleaved). Run-to-run shifts on a shared machine are
 * larger than the spread inside one run, so thousands of per-query samples from two runs are not
 * independent evidence; the rounds are. Pairing by round cancels drift common to both sides
 * (a neighbour's load, CPU frequency), and the t test on the log ratios asks whether the change is
 * larger than the rounds disagree among themselves.
 */
export function roundShift(baselineMedians: readonly number[], currentMedians: readonly number[]): RoundShift {
  if (baselineMedians.length !== currentMedians.length) {
    throw new Error(`round shift: ${baselineMedians.length} baseline rounds but ${currentMedians.length} current rounds`);
  }
  const logRatios = baselineMedians.map((b, i) => Math.log((currentMedians[i] as number) / b));
  const n = logRatios.length;
  const mean = logRatios.reduce((a, v) => a + v, 0) / n;
  const change = Math.exp(mean) - 1;
  if (n < 2) return { logRatios, change };
  const variance = logRatios.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  // Identical log ratios in every round: no spread to judge against; any nonzero change is
  // as certain as the data can make it.
  const t = se === 0 ? (mean === 0 ? 0 : Math.sign(mean) * Number.POSITIVE_INFINITY) : mean / se;
  return { logRatios, change, t, pSlower: studentTUpperTail(t, n - 1), pFaster: studentTUpperTail(-t, n - 1) };
}
