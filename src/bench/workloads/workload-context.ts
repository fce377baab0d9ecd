import type { StoreAdapter } from '../../adapters/store-adapter.js';
import type { Dataset } from '../../datasets/dataset.js';
import type { BenchConfig } from '../bench-config.js';
import type { Progress } from '../progress.js';

/** What every workload gets: one connected adapter with a collection, the data, the settings. */
export interface WorkloadContext {
  readonly adapter: StoreAdapter;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly progress: Progress;
}
