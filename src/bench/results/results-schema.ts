import { z } from 'zod';
import { CLIENT_MODES } from '../client-mode.js';
import { SKIPPABLE_WORKLOADS } from '../skippable-workloads.js';

/**
 * The results file: the only contract between measuring and reporting. A report is rebuilt from
 * this alone. Bump RESULTS_SCHEMA_VERSION on any incompatible change; results/schema.json is
 * generated from here (`npm run schema`) and a unit test keeps the two equal.
 */
export const RESULTS_SCHEMA_VERSION = 1;

const latency = z.object({
  count: z.number().int(),
  meanMs: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  histogram: z.string().describe('HdrHistogram, microseconds, compressed base64'),
});

const clientCpu = z
  .object({
    userMs: z.number(),
    systemMs: z.number(),
    perRequestUs: z.number().describe('harness process CPU (user + system) per request, µs'),
    coreFraction: z.number().describe('harness CPU / wall time of the pass: 1 = one core busy throughout'),
  })
  .describe("the harness's own CPU (process.cpuUsage) over the timed pass; absent in files written before it was recorded");

const unsupported = z.object({ status: z.literal('unsupported'), reason: z.string() });
const failed = z.object({ status: z.literal('failed'), error: z.string() });
const outcome = <T extends z.ZodRawShape>(shape: T) =>
  z.discriminatedUnion('status', [z.object({ status: z.literal('ok'), ...shape }), unsupported, failed]);

export const insertResultSchema = outcome({
  docs: z.number().int(),
  batchSize: z.number().int(),
  insertSeconds: z.number(),
  docsPerSecond: z.number(),
  searchableSeconds: z.number().describe('from the last insert until every doc is searchable'),
  batchLatency: latency,
});

export const difyInsertResultSchema = outcome({
  docs: z.number().int(),
  documents: z.number().int().describe('Dify documents, indexed one after another'),
  groups: z.number().int().describe("hash groups over all documents: one index_processor.load on one of Dify's threads each"),
  threads: z.number().int().describe("IndexingRunner._load's max_workers"),
  insertSeconds: z.number(),
  docsPerSecond: z.number(),
  searchableSeconds: z.number(),
  groupLatency: latency,
});

/** One client process's share of a search workload (`--workers`, `--shard`); QPS = its queries / its summed latency. */
export const searchWorkerSchema = z.object({
  worker: z.number().int(),
  queries: z.number().int(),
  seconds: z.number().describe('summed latency of its timed queries (one query at a time)'),
  qps: z.number(),
});

export const concurrencyWorkerSchema = z.object({
  worker: z.number().int(),
  clients: z.number().int(),
  seconds: z.number(),
  requests: z.number().int(),
  errors: z.number().int(),
  qps: z.number(),
});

export const searchResultSchema = outcome({
  k: z.number().int(),
  queries: z.number().int(),
  warmupQueries: z.number().int(),
  latency,
  latenciesMs: z.array(z.number()).describe('every timed query that answered, in query order (errored queries left out)'),
  recall: z.number().optional().describe('mean recall@k against exact ground truth'),
  ndcg10: z.number().optional().describe('mean nDCG@10 against qrels'),
  mrr10: z.number().optional().describe('mean reciprocal rank@10 against qrels'),
  emptyAnswers: z.number().int().describe('queries that returned no hit at all (errored queries not included)'),
  errors: z
    .number()
    .int()
    .optional()
    .describe('timed queries the store answered with an error: not in the latency, scored as empty answers; absent = none'),
  erroredQueries: z.array(z.number().int()).optional().describe('the dataset query indices of those queries, in the order sent'),
  firstError: z.string().optional().describe("the first error's message"),
  clientCpu: clientCpu.optional(),
  workers: z
    .array(searchWorkerSchema)
    .optional()
    .describe('per client process, when the queries were split over several (they ran at the same time)'),
  queryIndices: z
    .array(z.number().int())
    .optional()
    .describe('a shard file only: the dataset queries this shard timed, in order (what `bench report merge` needs)'),
  judgedQueries: z.number().int().optional().describe('a shard file only: how many of them have relevance judgements'),
});

export const concurrencyLevelSchema = z.object({
  clients: z.number().int(),
  seconds: z.number(),
  requests: z.number().int(),
  errors: z.number().int().describe('requests answered with an error: not in QPS or latency'),
  firstError: z.string().optional().describe("the first error's message, when there were errors"),
  qps: z.number(),
  latency,
  clientCpu: clientCpu.optional(),
  workers: z.array(concurrencyWorkerSchema).optional().describe('per client process, when the clients were split over several'),
});

export const concurrencyResultSchema = outcome({
  k: z.number().int(),
  levels: z.array(concurrencyLevelSchema),
});

export const deleteResultSchema = outcome({
  documentId: z.string().describe('the document deleted as Dify deletes a document: by its chunk ids'),
  rowsBefore: z.number().int(),
  rowsDeleted: z.number().int().describe('rows the dataset says the document had'),
  rowsAfter: z.number().int(),
  documentByIdsMs: z
    .number()
    .optional()
    .describe("Dify's document delete (clean_document_task -> delete_by_ids): every chunk id of documentId in one call"),
  metadataDocumentId: z.string().optional().describe('a second document, deleted by its metadata field'),
  metadataRowsDeleted: z.number().int().optional(),
  byMetadataMs: z
    .number()
    .optional()
    .describe('delete_by_metadata_field("document_id", ...): a path Dify uses for annotations, not for documents'),
  // Files written before the delete followed Dify's document path: documentId was deleted by its
  // metadata field (byDocumentIdMs) and five chunks of another document by id (byIdsMs).
  byDocumentIdMs: z.number().optional(),
  byIdsMs: z.number().optional(),
  idsDeleted: z.number().int().optional(),
  verified: z.boolean().describe('counts match and searches find nothing that was deleted'),
});

export const memoryPhaseSchema = z.object({
  samples: z.number().int(),
  minBytes: z.number(),
  meanBytes: z.number(),
  maxBytes: z.number(),
});

export const memorySchema = z.object({
  method: z.string(),
  intervalMs: z.number(),
  phases: z.record(z.string(), memoryPhaseSchema),
  series: z.array(z.tuple([z.number(), z.number(), z.string()])).describe('[ms since start, bytes, phase]'),
});

export const leastMemorySchema = z.object({
  minBytes: z.number(),
  maxBytes: z.number(),
  resolution: z.number(),
  leastBytes: z.number().optional().describe('smallest limit that completed insert + search'),
  failedBytes: z.number().optional().describe('largest limit that did not'),
  unlimitedP50Ms: z.number().optional().describe('vector search p50 (k=4) with no limit'),
  probes: z.array(
    z.object({
      limitBytes: z.number(),
      survived: z.boolean(),
      failure: z.string().optional(),
      p50Ms: z.number().optional(),
      peakBytes: z.number().optional(),
    }),
  ),
});

const knowledgeBaseCount = {
  collections: z.number().int().describe('knowledge bases (collections) the fresh server held'),
  docsPerCollection: z.number().int(),
};

export const knowledgeBaseStepSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    ...knowledgeBaseCount,
    startSeconds: z.number(),
    createInsertSeconds: z.number().describe('every createCollection + insert + wait until searchable, summed'),
    emptyBytes: z.number().optional().describe('server memory before the first collection (last sample of the settle wait)'),
    insertPeakBytes: z.number().optional(),
    idleBytes: z.number().optional().describe('server memory at idle after every insert (last sample of the settle wait)'),
    searchPeakBytes: z.number().optional(),
    searchMeanBytes: z.number().optional(),
    closedBytes: z
      .number()
      .optional()
      .describe('server memory after every client closed (last sample of the settle wait): the collections without their connections'),
    searches: z.number().int().describe('collections × queries'),
    emptyAnswers: z.number().int().describe('searches that returned no hit at all'),
    searchLatency: latency.describe('every search, across all collections'),
    memory: memorySchema.optional(),
  }),
  z.object({
    status: z.literal('failed'),
    ...knowledgeBaseCount,
    phase: z.string(),
    error: z.string(),
    collectionsCreated: z.number().int().describe('collections created (and filled) before the failure'),
    memory: memorySchema.optional(),
  }),
]);

export const knowledgeBasesSchema = z.object({
  counts: z.array(z.number().int()).describe('the collection counts asked for, ascending'),
  docsPerCollection: z.number().int().describe('the first docs of the dataset, the same in every collection'),
  queries: z.number().int().describe('queries searched in every collection'),
  k: z.number().int(),
  settleSeconds: z.number(),
  steps: z.array(knowledgeBaseStepSchema).describe('one fresh server per count; the sweep stops at the first failure'),
});

export const storeResultSchema = z.object({
  store: z.string(),
  profile: z.string(),
  status: z.enum(['ok', 'failed']),
  error: z.object({ phase: z.string(), message: z.string(), logTail: z.array(z.string()) }).optional(),
  server: z
    .object({
      runtime: z.enum(['local', 'docker', 'external']),
      version: z.string(),
      requestedVersion: z.string(),
      description: z.string(),
      settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      startSeconds: z.number(),
      dataBytes: z.number().optional(),
      memoryNotVisible: z
        .string()
        .optional()
        .describe('why no memory was sampled: an external server that exposes no memory metrics'),
    })
    .optional(),
  capabilities: z.object({
    documentIdFilter: z.boolean(),
    fullText: z.boolean(),
    fullTextRanked: z
      .boolean()
      .optional()
      .describe('false: full-text hits come back unranked (a filter); absent in results written before it was recorded'),
    nativeHybrid: z.boolean(),
    metrics: z.array(z.string()),
    notes: z.array(z.string()),
  }),
  memory: memorySchema.optional(),
  harnessMemory: memorySchema
    .omit({ series: true })
    .optional()
    .describe("the harness process's own RSS per phase of this store's run; absent in files written before it was recorded"),
  leastMemory: leastMemorySchema.optional().describe('from `bench memory`'),
  knowledgeBases: knowledgeBasesSchema.optional().describe('from `bench kb`'),
  workloads: z.object({
    insert: insertResultSchema.optional(),
    vector: z.array(searchResultSchema).optional().describe('one entry per k'),
    filteredVector: searchResultSchema.optional(),
    fullText: searchResultSchema.optional(),
    difyHybrid: searchResultSchema.optional(),
    nativeHybrid: searchResultSchema.optional(),
    concurrency: concurrencyResultSchema.optional(),
    delete: deleteResultSchema.optional(),
    difyInsert: difyInsertResultSchema
      .optional()
      .describe("every chunk again into a fresh collection, as Dify's indexing runner loads documents (after every other workload)"),
  }),
});

export const resultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('vdb-bench'), version: z.string() }),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  machine: z.object({
    cpuModel: z.string(),
    cores: z.number().int(),
    memoryBytes: z.number(),
    os: z.string(),
    kernel: z.string(),
    node: z.string(),
    hostnameHash: z.string().describe('sha256 prefix of the hostname: tells machines apart, reveals nothing'),
    loadAverage: z
      .array(z.number())
      .length(3)
      .optional()
      .describe('1, 5 and 15 minute load averages as the run started: other work sharing the machine moves every latency'),
  }),
  harness: z.object({
    peakRssBytes: z.number(),
    cpuUserSeconds: z.number(),
    cpuSystemSeconds: z.number(),
  }),
  dataset: z.object({
    name: z.string(),
    dir: z.string(),
    dims: z.number().int(),
    metric: z.string(),
    count: z.number().int(),
    queries: z.number().int(),
    contentHash: z.string(),
    manifest: z.record(z.string(), z.unknown()),
    groundTruthSeconds: z
      .number()
      .optional()
      .describe('exact ground truth computed, or loaded from the dataset\'s cache, before any store started'),
  }),
  config: z.object({
    runtime: z.string(),
    batchSize: z.number().int(),
    warmupQueries: z.number().int(),
    kValues: z.array(z.number().int()),
    concurrencyLevels: z.array(z.number().int()),
    concurrencySeconds: z.number(),
    hybridWeights: z.object({ vector: z.number(), keyword: z.number() }),
    // Absent in files written before Dify's hybrid rules could be chosen (they used neither:
    // cosine recomputed for every text hit, first copy kept, every jieba tag).
    hybridRule: z.enum(['dify-current', 'dify-legacy']).optional(),
    keywordRule: z.enum(['dify-current', 'dify-legacy']).optional(),
    clientMode: z
      .enum(CLIENT_MODES)
      .optional()
      .describe("pooled: one warm client per store; dify: Dify's per-retrieval client setup timed with each search. Absent: pooled"),
    memoryIntervalMs: z.number(),
    callTimeoutSeconds: z.number().optional().describe('per-call timeout; absent in files written before it existed'),
    workers: z.number().int().optional().describe('client processes the search and concurrency workloads ran in (absent: 1)'),
    shard: z
      .object({ index: z.number().int(), count: z.number().int() })
      .optional()
      .describe('this file is one shard of a multi-host run (`bench run --shard i/N`); `bench report merge` joins them'),
    merged: z.number().int().optional().describe('shards `bench report merge` joined into this file'),
    skip: z
      .array(z.enum(SKIPPABLE_WORKLOADS))
      .optional()
      .describe('workloads `bench run --skip` left out: absent from every store, not failed (absent: none)'),
  }),
  interrupted: z
    .object({
      signal: z.string(),
      during: z.string().optional().describe('store:profile that was running; not kept, as its server was stopped under it'),
    })
    .optional()
    .describe('the run was stopped by a signal; the stores listed are complete'),
  stores: z.array(storeResultSchema),
});

export type Results = z.infer<typeof resultsSchema>;
export type StoreResult = z.infer<typeof storeResultSchema>;
export type SearchResult = z.infer<typeof searchResultSchema>;
export type InsertResult = z.infer<typeof insertResultSchema>;
export type DifyInsertResult = z.infer<typeof difyInsertResultSchema>;
export type ConcurrencyResult = z.infer<typeof concurrencyResultSchema>;
export type DeleteResult = z.infer<typeof deleteResultSchema>;
export type MemoryResult = z.infer<typeof memorySchema>;
export type LatencyJson = z.infer<typeof latency>;
export type ClientCpuJson = z.infer<typeof clientCpu>;
export type LeastMemoryResult = z.infer<typeof leastMemorySchema>;
export type KnowledgeBasesResult = z.infer<typeof knowledgeBasesSchema>;
export type KnowledgeBaseStep = z.infer<typeof knowledgeBaseStepSchema>;
