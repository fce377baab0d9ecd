import type { HybridRule } from './hybrid/dify-hybrid.js';
import { DIFY_WEIGHTS, type HybridWeights } from './hybrid/dify-weighted-rerank.js';
import type { KeywordRule } from './hybrid/keyword-extractor.js';
import type { ClientMode } from './client-mode.js';
import type { Shard } from './workers/shards.js';
import type { SkippableWorkload } from './skippable-workloads.js';

/** Everything that shapes a run besides the dataset and the stores; recorded in results. */
export interface BenchConfig {
  readonly batchSize: number;
  readonly warmupQueries: number;
  /** recall@k is reported for each; the first is Dify's default top_k. */
  readonly kValues: readonly number[];
  readonly concurrencyLevels: readonly number[];
  /** Wall time per concurrency level; each level also stops after maxRequestsPerLevel. */
  readonly concurrencySeconds: number;
  readonly maxRequestsPerLevel: number;
  readonly hybridWeights: HybridWeights;
  /** Which Dify release's merge of the two hit lists (see dify-hybrid.ts). */
  readonly hybridRule: HybridRule;
  /** Which Dify release's jieba keyword extraction (see keyword-extractor.ts). */
  readonly keywordRule: KeywordRule;
  /** How searches reach the store: one warm pooled client, or Dify's per-retrieval client (client-mode.ts). */
  readonly clientMode: ClientMode;
  /** Also insert every chunk as Dify's indexing runner does (workloads/dify-insert.ts), last. */
  readonly difyInsert: boolean;
  /** Workloads left out (`--skip`); insert and vector search always run. */
  readonly skip: readonly SkippableWorkload[];
  readonly memoryIntervalMs: number;
  /** Seconds of idle sampling after the server is up, before any data goes in. */
  readonly idleSeconds: number;
  /**
   * Seconds one call to the store (an insert batch, a search, a delete) may take before the
   * server counts as hung and the store is recorded failed ("timed out after N s in <phase>").
   */
  readonly callTimeoutSeconds: number;
  /** Client processes the search and concurrency workloads run in (`--workers`); 1 when absent. */
  readonly workers?: number;
  /** This run is one shard of a multi-host run (`--shard i/N`): only its share of queries and clients. */
  readonly shard?: Shard;
}

export const DEFAULT_CONFIG: BenchConfig = {
  batchSize: 100,
  warmupQueries: 20,
  kValues: [4, 10],
  concurrencyLevels: [1, 2, 4, 8, 16],
  concurrencySeconds: 5,
  maxRequestsPerLevel: 50_000,
  hybridWeights: DIFY_WEIGHTS,
  hybridRule: 'dify-current',
  keywordRule: 'dify-current',
  clientMode: 'pooled',
  difyInsert: true,
  skip: [],
  memoryIntervalMs: 250,
  idleSeconds: 2,
  // Generous: a 100-doc batch or one search takes well under a second on every store here; a
  // minute without an answer is a hung server, not a slow one.
  callTimeoutSeconds: 60,
};
