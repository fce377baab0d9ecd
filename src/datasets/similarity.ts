import type { Metric } from '../adapters/store-adapter.js';

/** Higher is closer, for every metric, so one top-k routine serves all three. */
export function similarity(metric: Metric, a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    aa += x * x;
    bb += y * y;
    l2 += (x - y) * (x - y);
  }
  if (metric === 'ip') return dot;
  if (metric === 'l2') return -l2;
  return dot / (Math.sqrt(aa) * Math.sqrt(bb));
}
