/**
 * The false-alarm rate of one workload's gate test implied by how its A/A decisions spread: a few
 * dozen decisions cannot show a 1% rate by counting (0 of 20 bounds it at 16%), but they do show
 * whether the decisions' mean log ratios spread more than their rounds predict, and by how much.
 *
 * The model: a decision's mean log ratio m (16 rounds, identical sides) is normal with SD `decisionSd`
 * (an offset that lasts the whole decision plus the rounds' own noise); within the decision the rounds
 * spread with SD `roundSd`, so the sample SD s of the log ratios is σ·sqrt(χ²(n−1)/(n−1)), independent
 * of m. The gate flags when m exceeds the floor and m / (s/√n) exceeds the t test's critical value
 * (src/report/compare.ts). With no offset (decisionSd = roundSd/√n) and no floor this is exactly the
 * t test's own rate, alpha.
 */
import { errorFunction } from 'simple-statistics';
import { logGamma, studentTUpperTail } from '../../src/report/student-t.js';

export interface AaRateInput {
  readonly rounds: number;
  /** SD of the log ratio between identical sides within a decision, round to round. */
  readonly roundSd: number;
  /** SD of the decisions' mean log ratio (about 0: the sides are identical). */
  readonly decisionSd: number;
  /** The change a regression must exceed, as a log ratio (ln 1.05 for the 5% floor). */
  readonly floorLog: number;
  /** The one-sided level a workload is judged at (alpha over the store's workloads). */
  readonly level: number;
}

/** t with P(T > t) = p, df degrees of freedom, by bisection (the tail falls monotonically). */
export function studentTCritical(p: number, df: number): number {
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTUpperTail(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function normalUpperTail(z: number): number {
  return 0.5 * (1 - errorFunction(z / Math.SQRT2));
}

/** P(flagged) for one A/A decision under the model above, by Simpson's rule over the χ² density. */
export function modelledAaRate(i: AaRateInput): number {
  const k = i.rounds - 1;
  const tCrit = studentTCritical(i.level, k);
  const logNorm = -(k / 2) * Math.LN2 - logGamma(k / 2);
  const density = (u: number) => (u <= 0 ? 0 : Math.exp(logNorm + (k / 2 - 1) * Math.log(u) - u / 2));
  // χ²(k) has mean k and SD √(2k): past k + 40·√(2k) nothing is left to count.
  const top = k + 40 * Math.sqrt(2 * k);
  const steps = 20_000;
  const h = top / steps;
  let sum = 0;
  for (let j = 0; j <= steps; j++) {
    const u = j * h;
    const s = i.roundSd * Math.sqrt(u / k);
    const threshold = Math.max(i.floorLog, (tCrit * s) / Math.sqrt(i.rounds));
    const weight = j === 0 || j === steps ? 1 : j % 2 === 1 ? 4 : 2;
    sum += weight * density(u) * normalUpperTail(threshold / i.decisionSd);
  }
  return (sum * h) / 3;
}
