import type { MemoryProbe } from '../runtime/memory-probe.js';

/**
 * The harness process's own resident memory, sampled per phase beside the server's, so a run
 * that ends with a high `harness.peakRssBytes` says in which phase the harness grew (README
 * "A million chunks" holds its RSS against the raw float32 bytes of the dataset).
 */
export const harnessMemoryProbe: MemoryProbe = {
  method: 'process.memoryUsage.rss() of the harness process',
  read: () => Promise.resolve(process.memoryUsage.rss()),
};
