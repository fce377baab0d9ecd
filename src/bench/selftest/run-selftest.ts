import { performance } from 'node:perf_hooks';
import type { StoreSelection } from '../../adapters/registry.js';
import type { HarnessVia, SelftestProbe, SelftestSession, ServerTiming } from '../../adapters/selftest-probe.js';
import type { Collection, CollectionSpec, StoreSession } from '../../adapters/store-adapter.js';
import type { StoreProfile } from '../../adapters/store-definition.js';
import { row as vectorRow } from '../../datasets/dataset.js';
import { startLocalServer } from '../../runtime/local-runtime.js';
import type { RunningServer } from '../../runtime/running-server.js';
import { DEFAULT_CONFIG, type BenchConfig } from '../bench-config.js';
import { guardCollection } from '../call-timeout.js';
import { machineFingerprint } from '../machine.js';
import type { Progress } from '../progress.js';
import { runConcurrency } from '../workloads/concurrency.js';
import { runSerialSearch } from '../workloads/serial-search.js';
import type { WorkloadContext } from '../workloads/workload-context.js';
import { TOOL_VERSION } from '../../version.js';
import { selftestData } from './selftest-data.js';
import { SELFTEST_SCHEMA_VERSION, type SelftestResults, type SelftestRow } from './selftest-results.js';

/** Dify's default top_k, and the k the concurrency workload sends. */
const K = 4;
/** A level also stops after this many requests (it normally stops at its wall time). */
const MAX_REQUESTS_PER_LEVEL = 2_000_000;

export interface SelftestOptions {
  readonly vectors: number;
  readonly dims: number;
  readonly seed: number;
  /** Wall time of each concurrency level and of each reference client run. */
  readonly secondsPerLevel: number;
  readonly clients: readonly number[];
  /** Queries in the serial pass (bench run's vector workload sends each query once, one at a time). */
  readonly serialQueries: number;
  /** Untimed queries before anything is measured (the HNSW pages warm up). */
  readonly warmupQueries: number;
  readonly batchSize: number;
  /** Each level runs every client this many times, in a rotating order; the median round is reported. */
  readonly rounds: number;
}

export const DEFAULT_SELFTEST: SelftestOptions = {
  vectors: 20_000,
  dims: 128,
  seed: 12,
  secondsPerLevel: 5,
  clients: [1, 2, 4, 8],
  serialQueries: 10_000,
  warmupQueries: 500,
  batchSize: 1000,
  rounds: 1,
};

export interface SelftestRequest {
  readonly selection: StoreSelection;
  readonly options: SelftestOptions;
  readonly progress: Progress;
}

/**
 * Measures the harness against a client that is not the harness, on one real server: the
 * store's adapter (through bench run's own serial and concurrency workloads) and each of the
 * store's reference clients (a benchmark tool of the store's own, a raw client) send the same
 * query to the same table, serially and at each client count, and the server says how long it
 * spent on each (where it can). What is left between the two latencies is the harness's client.
 */
export async function runSelftest({ selection, options, progress }: SelftestRequest): Promise<SelftestResults> {
  const { definition, profileName, profile } = selection;
  const probe: SelftestProbe | undefined = definition.selftest;
  if (!probe) throw new Error(`--store: ${definition.name} has no selftest`);
  const startedAt = new Date().toISOString();
  const data = selftestData(options.vectors, options.dims, options.seed);

  let server: RunningServer | undefined;
  let session: StoreSession | undefined;
  let probeSession: SelftestSession | undefined;
  try {
    progress.log(`starting ${definition.name} with its selftest recipe`);
    // A profile's server settings (e.g. a tokenizer module) apply here as in bench run.
    server = await startLocalServer(definition.name, probe.localRecipe, profile.serverEnv ? { env: profile.serverEnv } : {});
    session = await profile.createAdapter().connect(server.endpoint);
    const spec: CollectionSpec = { name: `selftest_${options.vectors}x${options.dims}`, dims: options.dims, metric: 'cosine' };
    const collection = await session.createCollection(spec);
    progress.start('insert', data.docs.length);
    for (let i = 0; i < data.docs.length; i += options.batchSize) {
      const batch = data.docs.slice(i, i + options.batchSize);
      await collection.insert(batch);
      progress.tick(batch.length);
    }
    progress.stop();
    await collection.waitUntilSearchable(data.docs.length);
    probeSession = await probe.open(
      server.endpoint,
      { collection: spec.name, metric: 'cosine', vector: data.query, k: K },
      harnessVia(profile, spec, data.query),
    );

    // The harness searches as bench run does: every call behind the per-call timeout (run-store.ts).
    const measured = guardCollection(collection, DEFAULT_CONFIG.callTimeoutSeconds, () => 'selftest search').collection;
    const ctx = (config: BenchConfig): WorkloadContext => ({
      store: definition.name,
      capabilities: session?.capabilities ?? profile.capabilities,
      collection: measured,
      dataset: data.dataset,
      config,
      progress,
    });
    const search = (): Promise<unknown> => measured.searchVector({ vector: vectorRow(data.dataset.queryVectors, options.dims, 0), k: K });
    for (let i = 0; i < options.warmupQueries; i++) await search();

    const rows: SelftestRow[] = [];
    const levels: Array<{ clients: number; serial: boolean }> = [
      { clients: 1, serial: true },
      ...options.clients.map((clients) => ({ clients, serial: false })),
    ];
    for (const level of levels) {
      // Rounds in a rotating order (harness first, then second, ...), so a drift in the machine's
      // load lands on every client alike; each client's figure is its median round.
      const clients = [undefined, ...probeSession.referenceClients];
      const harnessRounds: Array<SelftestRow['harness']> = [];
      const referenceRounds = probeSession.referenceClients.map((): Array<SelftestRow['references'][number]> => []);
      for (let round = 0; round < options.rounds; round++) {
        for (let j = 0; j < clients.length; j++) {
          const index = (j + round) % clients.length;
          const client = clients[index];
          if (!client) {
            harnessRounds.push(await measureHarness(level, measured, ctx, options, probeSession.serverTiming));
            continue;
          }
          progress.log(`${client.name} ×${level.clients}`);
          const run = await withServerTime(probeSession.serverTiming, () => client.run(level.clients, options.secondsPerLevel));
          referenceRounds[index - 1]?.push({
            name: client.name,
            seconds: run.value.seconds,
            requests: run.value.requests,
            failed: run.value.failed,
            qps: run.value.qps,
            meanMs: run.value.meanLatencyMs,
            ...(run.server ? { server: run.server } : {}),
          });
        }
      }
      const row: SelftestRow = {
        ...level,
        harness: { ...medianRound(harnessRounds), roundsQps: harnessRounds.map((r) => r.qps) },
        references: referenceRounds.map((rounds) => ({ ...medianRound(rounds), roundsQps: rounds.map((r) => r.qps) })),
      };
      rows.push(row);
      progress.log(summaryLine(row));
    }
    return {
      kind: 'vdb-bench selftest',
      schemaVersion: SELFTEST_SCHEMA_VERSION,
      tool: { name: 'vdb-bench', version: TOOL_VERSION },
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: { ...(await machineFingerprint()) },
      store: definition.name,
      profile: profileName,
      server: { version: session.info.version, description: server.description, settings: { ...session.info.settings } },
      table: { rows: options.vectors, dims: options.dims, metric: 'cosine', k: K, seed: options.seed },
      secondsPerLevel: options.secondsPerLevel,
      rounds: options.rounds,
      serialQueries: options.serialQueries,
      warmupQueries: options.warmupQueries,
      referenceClients: probeSession.referenceClients.map((c) => ({ name: c.name, description: c.description })),
      ...(probeSession.serverTiming ? { serverTimingSource: probeSession.serverTiming.source } : {}),
      ...(probeSession.answerCheck ? { answerCheck: { ...probeSession.answerCheck, ids: [...probeSession.answerCheck.ids], adapterHits: [...probeSession.answerCheck.adapterHits] } } : {}),
      notes: [...probeSession.notes],
      rows,
    };
  } finally {
    await probeSession?.close().catch(() => undefined);
    await session?.close().catch(() => undefined);
    await server?.stop();
  }
}

/**
 * The selected profile's adapter in a session of its own, reaching the server through another
 * endpoint (a probe's recording proxy): the same code, collection and query as the harness's
 * measured session, which stays on the server's own ports.
 */
function harnessVia(profile: StoreProfile, spec: CollectionSpec, vector: Float32Array): HarnessVia {
  return async (endpoint) => {
    const session = await profile.createAdapter().connect(endpoint);
    try {
      const collection = await session.createCollection(spec);
      return {
        search: async () => (await collection.searchVector({ vector, k: K })).map((hit) => hit.id),
        close: () => session.close(),
      };
    } catch (error) {
      await session.close().catch(() => undefined);
      throw error;
    }
  };
}

/** bench run's serial vector loop (one query at a time, each timed) or its closed-loop concurrency at one level. */
async function measureHarness(
  level: { clients: number; serial: boolean },
  collection: Collection,
  ctx: (config: BenchConfig) => WorkloadContext,
  options: SelftestOptions,
  timing: ServerTiming | undefined,
): Promise<SelftestRow['harness']> {
  const config: BenchConfig = {
    ...DEFAULT_CONFIG,
    warmupQueries: 0,
    kValues: [K],
    concurrencyLevels: [level.clients],
    concurrencySeconds: options.secondsPerLevel,
    maxRequestsPerLevel: MAX_REQUESTS_PER_LEVEL,
  };
  const c = ctx(config);
  if (level.serial) {
    const started = performance.now();
    const { value: r, server } = await withServerTime(timing, () =>
      runSerialSearch(c, {
        label: 'harness serial',
        queryIndices: new Array<number>(options.serialQueries).fill(0),
        k: K,
        search: (qi) => collection.searchVector({ vector: vectorRow(c.dataset.queryVectors, options.dims, qi), k: K }),
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (r.status !== 'ok' || !r.clientCpu) throw new Error('selftest: the serial pass did not complete');
    return {
      seconds,
      requests: r.queries,
      failed: 0,
      qps: r.queries / seconds,
      meanMs: r.latency.meanMs,
      p50Ms: r.latency.p50Ms,
      p99Ms: r.latency.p99Ms,
      clientCpu: r.clientCpu,
      ...(server ? { server } : {}),
    };
  }
  const { value: r, server } = await withServerTime(timing, () => runConcurrency(c));
  const l = r.status === 'ok' ? r.levels[0] : undefined;
  if (!l?.clientCpu) throw new Error(`selftest: the ${level.clients}-client level did not complete`);
  return {
    seconds: l.seconds,
    requests: l.requests,
    failed: l.errors,
    qps: l.qps,
    meanMs: l.latency.meanMs,
    p50Ms: l.latency.p50Ms,
    p99Ms: l.latency.p99Ms,
    clientCpu: l.clientCpu,
    ...(server ? { server } : {}),
  };
}

/** The round with the median QPS (the lower middle one of an even count): a real measurement, not an average. */
function medianRound<T extends { qps: number }>(rounds: readonly T[]): T {
  const sorted = [...rounds].sort((a, b) => a.qps - b.qps);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error('selftest: a level ran no rounds');
  return median;
}

async function withServerTime<T>(timing: ServerTiming | undefined, run: () => Promise<T>) {
  await timing?.reset();
  const value = await run();
  const server = await timing?.read();
  return { value, server };
}

function summaryLine(r: SelftestRow): string {
  const refs = r.references.map((x) => `${x.name} ${x.qps.toFixed(0)} QPS (${(r.harness.qps / x.qps).toFixed(2)})`).join(', ');
  return `  ${r.serial ? 'serial' : `×${r.clients}`}: harness ${r.harness.qps.toFixed(0)} QPS, mean ${r.harness.meanMs.toFixed(3)} ms, client ${r.harness.clientCpu.perRequestUs.toFixed(0)} µs/query; ${refs}`;
}
