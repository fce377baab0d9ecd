import * as hdr from 'hdr-histogram-js';

/** Percentiles and the mergeable histogram of one set of timed calls, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** HdrHistogram (µs, 3 significant digits), compressed base64: merge runs without averaging. */
  readonly histogram: string;
}

/**
 * Records every sample into an HdrHistogram at microsecond resolution, so percentiles come from
 * all samples (3 significant digits) and histograms from separate runs can be merged exactly.
 */
export class LatencyRecorder {
  private readonly histogram = hdr.build({ numberOfSignificantValueDigits: 3 });
  private readonly samples: number[] = [];

  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
    this.samples.push(ms);
  }

  get count(): number {
    return this.samples.length;
  }

  /** Every sample in recording order, rounded to 1 µs, for results files and later re-analysis. */
  rawMs(): number[] {
    return this.samples.map((ms) => Math.round(ms * 1000) / 1000);
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (us: number): number => us / 1000;
    return {
      count: h.totalCount,
      meanMs: h.totalCount ? ms(h.mean) : 0,
      p50Ms: ms(h.getValueAtPercentile(50)),
      p95Ms: ms(h.getValueAtPercentile(95)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      maxMs: ms(h.maxValue),
      histogram: hdr.encodeIntoCompressedBase64(h),
    };
  }
}

/** Merges encoded histograms (e.g. from several concurrent workers or runs) into one summary. */
export function mergeHistograms(encoded: readonly string[]): Pick<LatencySummary, 'count' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs'> {
  const merged = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (const e of encoded) merged.add(hdr.decodeFromCompressedBase64(e));
  return {
    count: merged.totalCount,
    p50Ms: merged.getValueAtPercentile(50) / 1000,
    p95Ms: merged.getValueAtPercentile(95) / 1000,
    p99Ms: merged.getValueAtPercentile(99) / 1000,
    maxMs: merged.maxValue / 1000,
  };
}
