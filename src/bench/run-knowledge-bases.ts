import type { StoreSelection } from '../adapters/registry.js';
import type { Doc, StoreAdapter, StoreInfo } from '../adapters/store-adapter.js';
import type { StoreProfile } from '../adapters/store-definition.js';
import type { Dataset } from '../datasets/dataset.js';
import { row } from '../datasets/dataset.js';
import { describeFailure, type RunningServer } from '../runtime/running-server.js';
import { storeServer, type ServerPlan } from '../runtime/start-server.js';
import type { BenchConfig } from './bench-config.js';
import { harnessUsage } from './machine.js';
import { MemorySampler } from './memory-sampler.js';
import { LatencyRecorder } from './metrics/latency-recorder.js';
import type { Progress } from './progress.js';
import { newResults } from './results/new-results.js';
import { writeResults } from './results/results-file.js';
import type { KnowledgeBaseStep, MemoryResult, Results, StoreResult } from './results/results-schema.js';
import { timed } from './timer.js';

/** The shape of a `bench kb` sweep. */
export interface KnowledgeBaseOptions {
  /** Collection counts N; each gets a fresh server. Run ascending, stopping at the first failure. */
  readonly counts: readonly number[];
  /** The first this-many docs of the dataset go into every collection. */
  readonly docsPerCollection: number;
  /** The first this-many queries are searched in every collection. */
  readonly queries: number;
  readonly k: number;
  /** Wait before reading idle memory: on the empty server, after the inserts, after closing every client. */
  readonly settleSeconds: number;
  /** Bound on one step (start, create + insert, settle, search); a hung server fails the step. */
  readonly stepTimeoutSeconds: number;
}

export interface KnowledgeBaseRequest {
  readonly stores: readonly StoreSelection[];
  readonly plan: ServerPlan;
  readonly dataset: Dataset;
  /** batchSize and memoryIntervalMs are used. */
  readonly config: BenchConfig;
  readonly options: KnowledgeBaseOptions;
  readonly resultsFile: string;
  readonly progress: Progress;
}

/**
 * `bench kb`: Dify creates one collection (class, table) per knowledge base, so a server's memory
 * depends on how many there are. For each store and each N: a fresh server, N collections each
 * holding the same first docs of the dataset (one adapter per collection, as Dify builds one
 * vector client per knowledge base), memory at idle, then k-NN searches in every collection,
 * then memory once every client has closed (what the collections cost without connections).
 * Stores run one after another; a store's sweep stops at its first failing N, and the results
 * file is rewritten atomically after each store.
 */
export async function runKnowledgeBases(request: KnowledgeBaseRequest): Promise<Results> {
  const { dataset, options, progress } = request;
  if (options.docsPerCollection > dataset.docs.length) {
    throw new Error(`--docs-per-kb: ${options.docsPerCollection} is more than the dataset's ${dataset.docs.length} docs`);
  }
  if (options.queries > dataset.queries.length) {
    throw new Error(`--queries: ${options.queries} is more than the dataset's ${dataset.queries.length} queries`);
  }
  const counts = [...new Set(options.counts)].sort((a, b) => a - b);
  const results = await newResults(dataset, request.config, request.resultsFile, request.plan.runtime);
  for (const { definition, profile: profileName } of request.stores) {
    const profile = definition.profiles[profileName];
    if (!profile) throw new Error(`${definition.name}: unknown profile ${profileName}`);
    const server = storeServer(request.plan, definition, profile);
    const { version } = server;
    const start = () => server.start();
    const store: StoreResult = {
      store: definition.name,
      profile: profileName,
      status: 'ok',
      capabilities: { ...profile.capabilities, metrics: [...profile.capabilities.metrics], notes: [...profile.capabilities.notes] },
      workloads: {},
      knowledgeBases: {
        counts,
        docsPerCollection: options.docsPerCollection,
        queries: options.queries,
        k: options.k,
        settleSeconds: options.settleSeconds,
        steps: [],
      },
    };
    for (const n of counts) {
      progress.log(`${definition.name}/${profileName}: ${n} knowledge base${n === 1 ? '' : 's'} × ${options.docsPerCollection} docs (${version})`);
      const outcome = await runStep(start, profile, dataset, request.config, options, n, progress);
      store.knowledgeBases?.steps.push(outcome.step);
      if (outcome.server && !store.server) store.server = { ...outcome.server, requestedVersion: version };
      const s = outcome.step;
      if (s.status === 'failed') {
        progress.log(`  FAILED during ${s.phase}: ${s.error.split('\n')[0]}`);
        store.status = 'failed';
        store.error = { phase: `${n} knowledge bases: ${s.phase}`, message: s.error, logTail: outcome.logTail };
        break; // a larger N would fail the same way, or worse
      }
      progress.log(
        `  idle ${mib(s.idleBytes)} MiB, search peak ${mib(s.searchPeakBytes)} MiB, clients closed ${mib(s.closedBytes)} MiB, ` +
          `p50 ${s.searchLatency.p50Ms.toFixed(2)} ms, create+insert ${s.createInsertSeconds.toFixed(1)} s`,
      );
    }
    results.stores.push(store);
    results.harness = harnessUsage();
    await writeResults(request.resultsFile, results);
  }
  results.finishedAt = new Date().toISOString();
  results.harness = harnessUsage();
  await writeResults(request.resultsFile, results);
  return results;
}

interface StepOutcome {
  readonly step: KnowledgeBaseStep;
  /** The server as the first adapter saw it (without requestedVersion), once one connected. */
  readonly server?: Omit<NonNullable<StoreResult['server']>, 'requestedVersion'>;
  readonly logTail: string[];
}

/** One N: a fresh server, N filled collections, idle memory, searches, then everything closed. */
async function runStep(
  start: () => Promise<RunningServer>,
  profile: StoreProfile,
  dataset: Dataset,
  config: BenchConfig,
  options: KnowledgeBaseOptions,
  n: number,
  progress: Progress,
): Promise<StepOutcome> {
  const { dims, metric } = dataset.manifest;
  const docs = options.docsPerCollection;
  // Built before any clock starts: every collection receives these same batches.
  const batches: Doc[][] = [];
  for (let from = 0; from < docs; from += config.batchSize) {
    const to = Math.min(from + config.batchSize, docs);
    batches.push(
      dataset.docs.slice(from, to).map((d, i) => ({
        id: d.id,
        documentId: d.document_id,
        text: d.text,
        vector: row(dataset.vectors, dims, from + i),
        ...(d.metadata ? { metadata: d.metadata } : {}),
      })),
    );
  }
  const base = `vdb_bench_kb_${Date.now().toString(36)}`;
  const adapters: StoreAdapter[] = [];
  let server: RunningServer | undefined;
  let sampler: MemorySampler | undefined;
  let serverInfo: StepOutcome['server'];
  let phase = 'start';
  const settle = () => new Promise((r) => setTimeout(r, options.settleSeconds * 1000));

  const attempt = async () => {
    const started = await timed(start);
    server = started.value;
    if (server.memory) (sampler = new MemorySampler(server.memory, config.memoryIntervalMs)).start();
    await settle(); // phase "idle": the empty server

    phase = 'create + insert';
    await sampler?.enter('insert');
    let createInsertMs = 0;
    progress.start(`${n} × create + insert`, n * docs);
    for (let i = 0; i < n; i++) {
      const adapter = profile.createAdapter();
      adapters.push(adapter);
      const info: StoreInfo = await adapter.connect(server.endpoint);
      serverInfo ??= {
        runtime: server.runtime,
        version: info.version,
        description: server.description,
        settings: { ...info.settings },
        startSeconds: started.ms / 1000,
      };
      const { ms } = await timed(async () => {
        await adapter.createCollection({ name: `${base}_${i}`, dims, metric });
        for (const batch of batches) {
          await adapter.insert(batch);
          progress.tick(batch.length);
        }
        await adapter.waitUntilSearchable(docs);
      });
      createInsertMs += ms;
      const held = await adapter.count();
      if (held !== docs) throw new Error(`collection ${i + 1} of ${n} holds ${held} rows after inserting ${docs}`);
    }
    progress.stop();

    phase = 'idle after insert';
    await sampler?.enter('settle');
    await settle();

    phase = 'search';
    await sampler?.enter('search');
    const latency = new LatencyRecorder();
    let emptyAnswers = 0;
    progress.start(`${n} × search`, n * options.queries);
    for (let q = 0; q < options.queries; q++) {
      const vector = row(dataset.queryVectors, dims, q);
      for (const adapter of adapters) {
        const { value, ms } = await timed(() => adapter.searchVector({ vector, k: options.k }));
        latency.recordMs(ms);
        if (value.length === 0) emptyAnswers++;
        progress.tick();
      }
    }
    progress.stop();

    // Per-client server state (a PostgreSQL backend per connection) goes with its client.
    phase = 'close';
    await sampler?.enter('closed');
    for (const adapter of adapters) await adapter.close();
    await settle();
    return { startSeconds: started.ms / 1000, createInsertSeconds: createInsertMs / 1000, latency, emptyAnswers };
  };

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${options.stepTimeoutSeconds} s`)), options.stepTimeoutSeconds * 1000);
  });
  const running = attempt();
  running.catch(() => undefined); // after a timeout it fails once the server is stopped: expected
  const count = { collections: n, docsPerCollection: docs };
  let step: KnowledgeBaseStep;
  let logTail: string[] = [];
  try {
    const done = await Promise.race([running, timeout]);
    const memory = await sampler?.stop();
    sampler = undefined;
    step = {
      status: 'ok',
      ...count,
      startSeconds: done.startSeconds,
      createInsertSeconds: done.createInsertSeconds,
      ...memoryFigures(memory),
      searches: done.latency.count,
      emptyAnswers: done.emptyAnswers,
      searchLatency: done.latency.summary(),
      ...(memory ? { memory } : {}),
    };
  } catch (error) {
    progress.stop();
    const s = server as RunningServer | undefined;
    const cause = await describeFailure(s, error);
    logTail = s?.logTail(30) ?? [];
    const memory = await sampler?.stop();
    sampler = undefined;
    step = { status: 'failed', ...count, phase, error: cause, collectionsCreated: countCreated(adapters.length, phase), ...(memory ? { memory } : {}) };
  } finally {
    clearTimeout(timer);
    await sampler?.stop();
    for (const adapter of adapters) await adapter.close().catch(() => undefined);
    await (server as RunningServer | undefined)?.stop().catch(() => undefined);
  }
  return { step, ...(serverInfo ? { server: serverInfo } : {}), logTail };
}

/** Adapters exist from the moment a collection is begun: during create + insert the last may be unfinished. */
function countCreated(adapters: number, phase: string): number {
  return phase === 'create + insert' ? Math.max(0, adapters - 1) : adapters;
}

type MemoryFigures = Pick<
  Extract<KnowledgeBaseStep, { status: 'ok' }>,
  'emptyBytes' | 'insertPeakBytes' | 'idleBytes' | 'searchPeakBytes' | 'searchMeanBytes' | 'closedBytes'
>;

/** The figures of one step from its memory series; absent where the runtime could not read memory. */
function memoryFigures(memory: MemoryResult | undefined): MemoryFigures {
  if (!memory) return {};
  const last = (phase: string): number | undefined => memory.series.filter((s) => s[2] === phase).at(-1)?.[1];
  const figures: Record<string, number | undefined> = {
    emptyBytes: last('idle'),
    insertPeakBytes: memory.phases.insert?.maxBytes,
    idleBytes: last('settle'),
    searchPeakBytes: memory.phases.search?.maxBytes,
    searchMeanBytes: memory.phases.search?.meanBytes,
    closedBytes: last('closed'),
  };
  return Object.fromEntries(Object.entries(figures).filter(([, v]) => v !== undefined)) as MemoryFigures;
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(0);
}
