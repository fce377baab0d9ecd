import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './latency-recorder.js';

/**
 * One latency summary from the histograms of several recorders (worker processes, result shards):
 * the histograms are added bucket by bucket, so the merged percentiles are exactly those of one
 * histogram holding every sample, never an average of percentiles; the maximum is the largest
 * part's.
 */
export function mergeLatency(parts: readonly Pick<LatencySummary, 'histogram' | 'maxMs'>[]): LatencySummary {
  const merged = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (const p of parts) merged.add(hdr.decodeFromCompressedBase64(p.histogram));
  const ms = (us: number): number => us / 1000;
  return {
    count: merged.totalCount,
    meanMs: merged.totalCount ? ms(merged.mean) : 0,
    p50Ms: ms(merged.getValueAtPercentile(50)),
    p95Ms: ms(merged.getValueAtPercentile(95)),
    p99Ms: ms(merged.getValueAtPercentile(99)),
    // A decoded histogram knows its largest bucket, not the largest sample; each part recorded that.
    maxMs: parts.length ? Math.max(...parts.map((p) => p.maxMs)) : 0,
    histogram: hdr.encodeIntoCompressedBase64(merged),
  };
}
