import type { StoreSelection } from '../adapters/registry.js';
import type { Collection, StoreSession } from '../adapters/store-adapter.js';
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
import { interrupted, saveOnInterrupt } from './save-on-interrupt.js';
import type { KnowledgeBaseStep, MemoryResult, Results, StoreResult } from './results/results-schema.js';
import { newStoreResult } from './results/store-result.js';
import { timed } from './timer.js';
import { withTimeout } from './with-timeout.js';
import { docBatches } from './workloads/doc-batches.js';

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
 * holding the same first docs of the dataset, memory at idle, then k-NN searches in every
 * collection, then memory once every client has closed (what the collections cost without
 * connections). Stores run one after another; a store's sweep stops at its first failing N, and
 * the results file is rewritten atomically after each store.
 *
 * Each knowledge base gets its own session (connection or pool), not one shared session with N
 * collection handles: Dify builds one vector client per knowledge base (Vector(dataset) →
 * a fresh client in each store's factory), so for PostgreSQL each holds its own backend
 * processes, and the "clients closed" figure is exactly what those connections cost.
 */
export async function runKnowledgeBases(request: KnowledgeBaseRequest): Promise<Results> {
  const { dataset, options } = request;
  if (options.docsPerCollection > dataset.docs.length) {
    throw new Error(`--docs-per-kb: ${options.docsPerCollection} is more than the dataset's ${dataset.docs.length} docs`);
  }
  if (options.queries > dataset.queries.length) {
    throw new Error(`--queries: ${options.queries} is more than the dataset's ${dataset.queries.length} queries`);
  }
  const counts = [...new Set(options.counts)].sort((a, b) => a - b);
  const results = await newResults(dataset, request.config, request.resultsFile, request.plan.runtime);
  let running: string | undefined;
  const unsave = saveOnInterrupt(request.resultsFile, results, () => running);
  for (const selection of request.stores) {
    if (interrupted()) break;
    running = `${selection.definition.name}:${selection.profileName}`;
    const store = await sweepStore(selection, counts, request);
    if (interrupted()) break; // the interrupt handler writes the file
    results.stores.push(store);
    results.harness = harnessUsage();
    await writeResults(request.resultsFile, results);
  }
  if (interrupted()) return new Promise<never>(() => undefined); // the handler exits the process
  results.finishedAt = new Date().toISOString();
  results.harness = harnessUsage();
  await writeResults(request.resultsFile, results);
  unsave();
  return results;
}

/** One store through every N, ascending, stopping at the first N that fails. */
async function sweepStore(selection: StoreSelection, counts: readonly number[], request: KnowledgeBaseRequest): Promise<StoreResult> {
  const { options, progress } = request;
  const { definition, profileName, profile } = selection;
  const server = storeServer(request.plan, definition, profile.serverEnv);
  const { version } = server;
  const steps: KnowledgeBaseStep[] = [];
  const store: StoreResult = {
    ...newStoreResult(selection),
    knowledgeBases: {
      counts: [...counts],
      docsPerCollection: options.docsPerCollection,
      queries: options.queries,
      k: options.k,
      settleSeconds: options.settleSeconds,
      steps,
    },
  };
  for (const n of counts) {
    progress.log(`${definition.name}/${profileName}: ${n} knowledge base${n === 1 ? '' : 's'} × ${options.docsPerCollection} docs (${version})`);
    const outcome = await runStep({ ...request, start: () => server.start(), selection, n });
    steps.push(outcome.step);
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
  return store;
}

type ServerRecord = Omit<NonNullable<StoreResult['server']>, 'requestedVersion'>;

interface StepOutcome {
  readonly step: KnowledgeBaseStep;
  /** The server as the first session saw it (without requestedVersion), once one connected. */
  readonly server?: ServerRecord;
  readonly logTail: string[];
}

interface StepRequest {
  readonly start: () => Promise<RunningServer>;
  readonly selection: StoreSelection;
  readonly n: number;
  readonly dataset: Dataset;
  readonly config: BenchConfig;
  readonly options: KnowledgeBaseOptions;
  readonly progress: Progress;
}

/** One knowledge base as Dify holds it: its own client session and its collection. */
interface KnowledgeBase {
  readonly session: StoreSession;
  collection?: Collection;
}

/** What one step holds while it runs, so a failure or a timeout can be described and undone. */
interface StepRun {
  phase: string;
  server?: RunningServer;
  sampler?: MemorySampler;
  serverInfo?: ServerRecord;
  /** Open knowledge bases; each leaves the list as its session closes. */
  readonly kbs: KnowledgeBase[];
  /** Knowledge bases created, filled and counted. */
  completed: number;
}

interface StepFigures {
  readonly startSeconds: number;
  readonly createInsertSeconds: number;
  readonly latency: LatencyRecorder;
  readonly emptyAnswers: number;
}

/** One N: a fresh server, N filled collections, idle memory, searches, then every client closed. */
async function runStep(r: StepRequest): Promise<StepOutcome> {
  const run: StepRun = { phase: 'start', kbs: [], completed: 0 };
  const count = { collections: r.n, docsPerCollection: r.options.docsPerCollection };
  let step: KnowledgeBaseStep;
  let logTail: string[] = [];
  try {
    const done = await withTimeout(measureStep(run, r), r.options.stepTimeoutSeconds);
    const memory = await stopSampler(run);
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
    r.progress.stop();
    const cause = await describeFailure(run.server, error);
    logTail = run.server?.logTail(30) ?? [];
    const memory = await stopSampler(run);
    step = { status: 'failed', ...count, phase: run.phase, error: cause, collectionsCreated: run.completed, ...(memory ? { memory } : {}) };
  } finally {
    await stopSampler(run);
    for (const kb of run.kbs.splice(0)) await kb.session.close().catch(() => undefined);
    await run.server?.stop().catch(() => undefined);
  }
  return { step, ...(run.serverInfo ? { server: run.serverInfo } : {}), logTail };
}

/** The step's phases in order: empty server, create + insert, idle, search, clients closed. */
async function measureStep(run: StepRun, r: StepRequest): Promise<StepFigures> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, r.options.settleSeconds * 1000));
  const started = await timed(r.start);
  const server = (run.server = started.value);
  if (server.memory) (run.sampler = new MemorySampler(server.memory, r.config.memoryIntervalMs)).start();
  await settle(); // phase "idle": the empty server

  run.phase = 'create + insert';
  await run.sampler?.enter('insert');
  const createInsertMs = await createKnowledgeBases(run, r, server, started.ms / 1000);

  run.phase = 'idle after insert';
  await run.sampler?.enter('settle');
  await settle();

  run.phase = 'search';
  await run.sampler?.enter('search');
  const { latency, emptyAnswers } = await searchEveryKnowledgeBase(run, r);

  // Per-client server state (a PostgreSQL backend per connection) goes with its client.
  run.phase = 'close';
  await run.sampler?.enter('closed');
  for (let kb = run.kbs.shift(); kb; kb = run.kbs.shift()) await kb.session.close();
  await settle();
  return { startSeconds: started.ms / 1000, createInsertSeconds: createInsertMs / 1000, latency, emptyAnswers };
}

/**
 * N knowledge bases, each a new session with one collection holding the same batches; every
 * count is checked. Returns the time spent creating and filling (connecting is not counted).
 */
async function createKnowledgeBases(run: StepRun, r: StepRequest, server: RunningServer, startSeconds: number): Promise<number> {
  const { dims, metric } = r.dataset.manifest;
  const docs = r.options.docsPerCollection;
  const batches = docBatches(r.dataset, r.config.batchSize, docs);
  const base = `vdb_bench_kb_${Date.now().toString(36)}`;
  // One adapter (it holds no connection), a session per knowledge base.
  const adapter = r.selection.profile.createAdapter();
  let createInsertMs = 0;
  r.progress.start(`${r.n} × create + insert`, r.n * docs);
  for (let i = 0; i < r.n; i++) {
    const session = await adapter.connect(server.endpoint);
    const kb: KnowledgeBase = { session };
    run.kbs.push(kb);
    run.serverInfo ??= {
      runtime: server.runtime,
      version: session.info.version,
      description: server.description,
      settings: { ...session.info.settings },
      startSeconds,
    };
    const { ms } = await timed(async () => {
      const collection = (kb.collection = await session.createCollection({ name: `${base}_${i}`, dims, metric }));
      for (const batch of batches) {
        await collection.insert(batch);
        r.progress.tick(batch.length);
      }
      await collection.waitUntilSearchable(docs);
    });
    createInsertMs += ms;
    const held = await kb.collection?.count();
    if (held !== docs) throw new Error(`collection ${i + 1} of ${r.n} holds ${held} rows after inserting ${docs}`);
    run.completed++;
  }
  r.progress.stop();
  return createInsertMs;
}

/** The first `queries` query vectors, each searched in every collection in turn. */
async function searchEveryKnowledgeBase(run: StepRun, r: StepRequest): Promise<{ latency: LatencyRecorder; emptyAnswers: number }> {
  const { dims } = r.dataset.manifest;
  const collections = run.kbs.map((kb) => kb.collection).filter((c): c is Collection => c !== undefined);
  const latency = new LatencyRecorder();
  let emptyAnswers = 0;
  r.progress.start(`${r.n} × search`, r.n * r.options.queries);
  for (let q = 0; q < r.options.queries; q++) {
    const vector = row(r.dataset.queryVectors, dims, q);
    for (const collection of collections) {
      const { value, ms } = await timed(() => collection.searchVector({ vector, k: r.options.k }));
      latency.recordMs(ms);
      if (value.length === 0) emptyAnswers++;
      r.progress.tick();
    }
  }
  r.progress.stop();
  return { latency, emptyAnswers };
}

async function stopSampler(run: StepRun): Promise<MemoryResult | undefined> {
  const sampler = run.sampler;
  run.sampler = undefined;
  return sampler?.stop();
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
