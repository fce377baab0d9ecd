import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreSelection } from '../../src/adapters/registry.js';
import type { Collection, StoreAdapter, StoreSession } from '../../src/adapters/store-adapter.js';
import { DEFAULT_CONFIG } from '../../src/bench/bench-config.js';
import { thisCheckout, type GateSide } from '../../src/bench/gate/gate-side.js';
import { runGate, type GateFiles } from '../../src/bench/gate/run-gate.js';
import { silentProgress } from '../../src/bench/progress.js';
import { readResults } from '../../src/bench/results/results-file.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { Dataset } from '../../src/datasets/dataset.js';
import { runCompare } from '../../src/report/compare-command.js';
import { DEFAULT_THRESHOLDS } from '../../src/report/compare.js';
import { delayRoute, type DelayProxy } from '../../scripts/gate/delay-proxy.js';
import { startBench } from './fixtures/bench-cli.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';

/**
 * `bench gate` on a real pgvector server: the CLI as CI runs it (base checkout loaded into the
 * head's process, rounds written as results files `bench compare` reads), a base that is not a
 * checkout (exit 2, naming the file), and the one-process rounds catching a real slowdown: the
 * candidate's connection goes through a delay proxy that holds every reply for half the time the
 * server took, so its full text is 50% slower in the timed path.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const DATASET = join(ROOT, 'datasets/linux-doc-mini');

let dir: string;
let dataset: Dataset;
const proxies: DelayProxy[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-gate-'));
  dataset = await readDataset(DATASET);
});

afterAll(async () => {
  for (const p of proxies) await p.close();
  await rm(dir, { recursive: true, force: true });
});

function slowed(name: string, slowdown: number): GateSide {
  return { ...thisCheckout(name), route: delayRoute(slowdown, proxies) };
}

/** This checkout as a side, counting its sessions and each session's vector searches, and noting each connect (by side name) in `connects`. */
function counted(name: string, connects: string[]): { side: GateSide; vectorSearchesBySession: number[]; open: () => number } {
  const own = thisCheckout(name);
  const vectorSearchesBySession: number[] = [];
  let open = 0;
  const collectionOf = (inner: Collection, session: number): Collection =>
    new Proxy(inner, {
      get(target, prop) {
        if (prop === 'searchVector') {
          return (q: Parameters<Collection['searchVector']>[0]) => {
            vectorSearchesBySession[session] = (vectorSearchesBySession[session] ?? 0) + 1;
            return target.searchVector(q);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  const adapterOf = (inner: StoreAdapter): StoreAdapter => ({
    async connect(endpoint) {
      connects.push(name);
      const session = await inner.connect(endpoint);
      const index = vectorSearchesBySession.push(0) - 1;
      open++;
      const wrapped: StoreSession = {
        info: session.info,
        capabilities: session.capabilities,
        createCollection: async (spec) => collectionOf(await session.createCollection(spec), index),
        collectionExists: (n) => session.collectionExists(n),
        removeCollection: (n) => session.removeCollection(n),
        close: async () => {
          open--;
          await session.close();
        },
      };
      return wrapped;
    },
  });
  const selectStores = (list: string): StoreSelection[] =>
    own.selectStores(list).map((s) => ({ ...s, profile: { ...s.profile, createAdapter: () => adapterOf(s.profile.createAdapter()) } }));
  return { side: { ...own, selectStores }, vectorSearchesBySession, open: () => open };
}

describe('bench gate', () => {
  it('runs the base checkout and this one in rounds against one server and compares them (CLI, as CI runs it)', async () => {
    const out = join(dir, 'cli');
    const run = startBench(
      ['gate', '--baseline-root', ROOT, '--stores', 'pgvector', '--dataset', DATASET, '--rounds', '2', '--out-dir', out,
        '--skip', 'dify-hybrid,native-hybrid', '--smaller-is-better', join(out, 'smaller.json'), '--quiet'],
      { timeoutSeconds: 300 },
    );
    const exit = await run.exited;
    // Two identical sides: no regression is expected, but a 2-round verdict is a statistic, so
    // the test asserts what is certain: the comparison ran (0 or 1), it is not "not comparable".
    expect([0, 1], exit.stderr).toContain(exit.code);
    expect(exit.stdout).toContain('| pgvector | vector k=4');
    expect(exit.stdout).toContain('| pgvector | full text');
    for (const side of ['base', 'head']) {
      for (const round of ['01', '02']) {
        const results = await readResults(join(out, `${side}-${round}.json`));
        const [store] = results.stores;
        expect(store?.status).toBe('ok');
        expect(store?.server?.version).toMatch(/pgvector/);
        const vector = store?.workloads.vector?.[0];
        expect(vector?.status).toBe('ok');
        if (vector?.status === 'ok') expect(vector.recall).toBeGreaterThan(0.9);
        // The sides took turns query by query; each round's pass holds every query of the workload.
        expect(vector?.status === 'ok' && vector.latenciesMs.length).toBe(dataset.queries.length);
        const filtered = store?.workloads.filteredVector;
        expect(filtered?.status === 'ok' && filtered.queries).toBe(dataset.queries.filter((q) => q.document_ids).length);
        expect(store?.workloads.fullText?.status).toBe('ok');
        expect(store?.workloads.difyHybrid).toBeUndefined();
      }
    }
  }, 360_000);

  it('gives every side a connection of its own each round, opened in an order that rotates, and closes them all', async () => {
    const connects: string[] = [];
    const base = counted('base', connects);
    const head = counted('head', connects);
    await runGate({
      sides: [base.side, head.side],
      stores: 'pgvector',
      plan: LOCAL_PLAN,
      dataset,
      config: { ...DEFAULT_CONFIG, kValues: [4], warmupQueries: 5, skip: ['filtered-vector', 'dify-hybrid', 'native-hybrid'], difyInsert: false },
      rounds: 2,
      outDir: join(dir, 'connections'),
      progress: silentProgress,
    });
    const perRound = dataset.queries.length + 1; // the new connection's untimed first query, then every query
    for (const side of [base, head]) {
      // Session 0 inserted and ran the warm-up passes; then one per round of vector, one per round of full text.
      expect(side.vectorSearchesBySession.slice(1)).toEqual([perRound, perRound, 0, 0]);
      expect(side.open()).toBe(0);
    }
    // The inserting sessions, then per workload round 1 base first, round 2 head first: no side
    // always opens first (on pgvector the opening order moved where the backend ran).
    expect(connects).toEqual(['base', 'head', ...['base', 'head', 'head', 'base'], ...['base', 'head', 'head', 'base']]);
  }, 360_000);

  it('a base that is not a vdb-bench checkout is not comparable: exit 2, naming the missing file', async () => {
    const empty = await mkdtemp(join(dir, 'not-a-checkout-'));
    const exit = await startBench(['gate', '--baseline-root', empty, '--stores', 'pgvector', '--dataset', DATASET, '--out-dir', join(dir, 'bad'), '--quiet']).exited;
    expect(exit.code).toBe(2);
    expect(exit.stdout).toContain(`not comparable: ${resolve(empty, 'src/adapters/registry.ts')}: missing`);
  }, 120_000);

  it('catches a real 50% slowdown of the server in the timed path, and the rounds of identical sides agree', async () => {
    const files: GateFiles = await runGate({
      sides: [slowed('base', 0), slowed('same', 0), slowed('slowed', 0.5)],
      stores: 'pgvector',
      plan: LOCAL_PLAN,
      dataset: await readDataset(DATASET),
      config: { ...DEFAULT_CONFIG, kValues: [4], warmupQueries: 5, skip: ['filtered-vector', 'dify-hybrid', 'native-hybrid'], difyInsert: false },
      rounds: 3,
      outDir: join(dir, 'slowdown'),
      progress: silentProgress,
    });
    const compare = (current: string[]) =>
      runCompare({ baselineFiles: files.base ?? [], currentFiles: current, thresholds: DEFAULT_THRESHOLDS });
    const slowedOff = await compare(files.slowed ?? []);
    expect(slowedOff.exitCode, slowedOff.markdown).toBe(1);
    expect(slowedOff.markdown).toMatch(/\| pgvector \| full text\s*\| p50 ms .*\*\*REGRESSION\*\*/);
    // Identical sides return identical answers in every round: quality never differs.
    const same = await compare(files.same ?? []);
    expect(same.exitCode).not.toBe(2);
    expect(same.markdown).toMatch(/\| pgvector \| full text\s*\| nDCG@10 .*\+0\.000 \| unchanged/);
  }, 360_000);
});
