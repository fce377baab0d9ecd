import type { Capabilities, Collection } from '../../adapters/store-adapter.js';
import type { Dataset } from '../../datasets/dataset.js';
import type { BenchConfig } from '../bench-config.js';
import type { Progress } from '../progress.js';

/** What every workload gets: one collection to measure, what its store can do, the data, the settings. */
export interface WorkloadContext {
  /** The store's name, for messages ("pgvector declares no document_id filter"). */
  readonly store: string;
  /** The session's capabilities: a workload the store cannot run is reported unsupported. */
  readonly capabilities: Capabilities;
  readonly collection: Collection;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly progress: Progress;
}
