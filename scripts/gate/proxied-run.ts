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
import { selectStores } from '../../src/adapters/registry.js';
import { routedSelection } from '../../src/adapters/routed-selection.js';
import { DEFAULT_CONFIG } from '../../src/bench/bench-config.js';
import { silentProgress } from '../../src/bench/progress.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { intList, positiveInt, positiveNumber } from '../../src/cli/parse-options.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { Endpoint } from '../../src/runtime/endpoint.js';
import type { ServerPlan } from '../../src/runtime/start-server.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';

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

const plan: ServerPlan = { runtime: 'local', versions: new Map(), images: new Map(), memoryLimits: new Map() };
try {
  const results = await runBenchmark({
    stores: selectStores(o.stores).map((s) => routedSelection(s, route)),
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
