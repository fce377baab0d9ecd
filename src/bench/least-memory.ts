export interface MemoryProbeOutcome {
  readonly limitBytes: number;
  readonly survived: boolean;
  /** Why a probe failed: "OOM-killed during insert", or the error. */
  readonly failure?: string;
}

export interface LeastMemoryOptions {
  readonly minBytes: number;
  readonly maxBytes: number;
  /** Stop once the surviving and failing limits are within this ratio (0.1 = 10%). */
  readonly resolution: number;
  /** Hard bound on server starts, whatever the resolution reached. */
  readonly maxProbes: number;
}

export interface LeastMemory<T extends MemoryProbeOutcome = MemoryProbeOutcome> {
  /** The smallest limit that survived; undefined if even maxBytes failed. */
  readonly leastBytes: number | undefined;
  /** The largest limit that failed, if any: the answer lies between the two. */
  readonly failedBytes: number | undefined;
  readonly probes: readonly T[];
}

const MiB = 2 ** 20;

/**
 * Finds the least memory limit a store survives, by bisection on a log scale between a failing
 * and a surviving limit. Survival is assumed monotonic in the limit. Limits are whole MiB.
 */
export async function findLeastMemory<T extends MemoryProbeOutcome>(
  survives: (limitBytes: number) => Promise<T>,
  o: LeastMemoryOptions,
): Promise<LeastMemory<T>> {
  const probes: T[] = [];
  const probe = async (bytes: number): Promise<boolean> => {
    const outcome = await survives(Math.round(bytes / MiB) * MiB);
    probes.push(outcome);
    return outcome.survived;
  };
  if (!(await probe(o.maxBytes))) return { leastBytes: undefined, failedBytes: o.maxBytes, probes };
  if (await probe(o.minBytes)) return { leastBytes: o.minBytes, failedBytes: undefined, probes };
  let low = o.minBytes; // fails
  let high = o.maxBytes; // survives
  while (high / low > 1 + o.resolution && probes.length < o.maxProbes) {
    const middle = Math.round(Math.sqrt(low * high) / MiB) * MiB;
    if (middle <= low || middle >= high) break;
    if (await probe(middle)) high = middle;
    else low = middle;
  }
  return { leastBytes: high, failedBytes: low, probes };
}
