/**
 * `bench run` with every client connection going through a delay proxy (delay-proxy.ts), for
 * measuring the CI gate: the same workloads, results file and report path as `bench run`, with
 * the server made `--slowdown` slower in the timed path (0 = proxy only, the baseline).
 *
 *   node --import tsx scripts/gate/proxied-run.ts --stores pgvector --dataset datasets/linux-doc-mini \
 *     --slowdown 0.1 --out results/gate/x.json [--k 4] [--warmup 5] [--concurrency 1] [--concurrency-seconds 0.5]
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { selectStores, type StoreSelection } from '../../src/adapters/registry.js';
import type { StoreAdapter } from '../../src/adapters/store-adapter.js';
import type { StoreDefinition } from '../../src/adapters/store-definition.js';
import { DEFAULT_CONFIG } from '../../src/bench/bench-config.js';
import { silentProgress } from '../../src/bench/progress.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { intList, positiveInt, positiveNumber } from '../../src/cli/parse-options.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { ServerPlan } from '../../src/runtime/start-server.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';

type Endpoint = Parameters<StoreAdapter['connect']>[0];

const program = new Command('proxied-run')
  .requiredOption('--stores <list>', 'stores, comma-separated')
  .requiredOption('--dataset <dir>', 'dataset folder')
  .requiredOption('--out <file>', 'results file')
  .option('--slowdown <fraction>', 'extra server time per request, 0.1 = 10% slower', Number, 0)
  .option('--k <list>', 'top-k values', intList('--k'), [4])
  .option('--warmup <n>', 'untimed queries before each timed pass', positiveInt('--warmup'), 5)
  .option('--concurrency <list>', 'client counts', intList('--concurrency'), [1])
  .option('--concurrency-seconds <s>', 'seconds per level', positiveNumber('--concurrency-seconds'), 0.5)
  .parse();

const o = program.opts<{
  stores: string;
  dataset: string;
  out: string;
  slowdown: number;
  k: number[];
  warmup: number;
  concurrency: number[];
  concurrencySeconds: number;
}>();

const proxies: DelayProxy[] = [];

/** Every port of the endpoint behind its own proxy; the adapter never learns the server's own ports. */
async function route(endpoint: Endpoint): Promise<Endpoint> {
  const ports: Record<string, number> = {};
  for (const [name, port] of Object.entries(endpoint.ports)) {
    const proxy = await startDelayProxy(port, o.slowdown, endpoint.host);
    proxies.push(proxy);
    ports[name] = proxy.port;
  }
  return { ...endpoint, ports };
}

/** The adapter unchanged except that connect() goes to the proxies. */
function throughProxy(adapter: StoreAdapter): StoreAdapter {
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'connect') return async (endpoint: Endpoint) => target.connect(await route(endpoint));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The selection with its profile's createAdapter wrapped. The selection's shape is being
 * refactored (a profile name, or the profile object beside its name), so both are handled: the
 * wrapped profile replaces the original wherever the selection holds it.
 */
function proxied(selection: StoreSelection): StoreSelection {
  type Profile = StoreDefinition['profiles'][string];
  const s = selection as unknown as { definition: StoreDefinition; profile: string | Profile; profileName?: string };
  const name = typeof s.profile === 'string' ? s.profile : (s.profileName ?? '');
  const chosen = s.definition.profiles[name];
  if (!chosen) throw new Error(`--stores: ${s.definition.name} has no profile ${name}`);
  const wrapped: Profile = { ...chosen, createAdapter: () => throughProxy(chosen.createAdapter()) };
  const definition: StoreDefinition = { ...s.definition, profiles: { ...s.definition.profiles, [name]: wrapped } };
  return { ...s, definition, ...(typeof s.profile === 'string' ? {} : { profile: wrapped }) } as unknown as StoreSelection;
}

const plan: ServerPlan = { runtime: 'local', versions: new Map(), images: new Map(), memoryLimits: new Map() };
try {
  const results = await runBenchmark({
    stores: selectStores(o.stores).map(proxied),
    plan,
    dataset: await readDataset(resolve(o.dataset)),
    config: { ...DEFAULT_CONFIG, kValues: o.k, warmupQueries: o.warmup, concurrencyLevels: o.concurrency, concurrencySeconds: o.concurrencySeconds },
    resultsFile: resolve(o.out),
    progress: silentProgress,
  });
  if (results.stores.some((s) => s.status === 'failed')) process.exitCode = 1;
} finally {
  for (const p of proxies) await p.close();
}
