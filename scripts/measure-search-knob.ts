/**
 * Sweeps a store's search-time knob (its StoreDefinition.searchKnob) on a dataset and prints
 * recall@10, filtered recall@10 and p50 per value: the measurement a `tuned` profile's value
 * comes from. One local server (the recipe's default version) for the whole sweep; a fresh
 * collection per value, since some knobs (Chroma's hnsw:search_ef) are collection settings.
 *
 *   npx tsx scripts/measure-search-knob.ts pgvector 40,64,100 [datasets/linux-doc-minilm] [server version]
 */
import { resolve } from 'node:path';
import { STORES } from '../src/adapters/registry.js';
import { DEFAULT_CONFIG } from '../src/bench/bench-config.js';
import { silentProgress } from '../src/bench/progress.js';
import { runInsert } from '../src/bench/workloads/insert.js';
import { runFilteredVectorSearch, runVectorSearch } from '../src/bench/workloads/search-workloads.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import { storeServer } from '../src/runtime/start-server.js';

const [storeName, valueList, datasetDir = 'datasets/linux-doc-minilm', version] = process.argv.slice(2);
const definition = STORES.find((s) => s.name === storeName);
const knob = definition?.searchKnob;
if (!definition || !knob) {
  process.stderr.write(`measure-search-knob: "${storeName}" is not a store with a search knob (${STORES.filter((s) => s.searchKnob).map((s) => s.name).join(', ')})\n`);
  process.exit(2);
}
const values = (valueList ?? '').split(',').map(Number);
if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v <= 0)) {
  process.stderr.write(`measure-search-knob: values "${valueList}" are not positive integers, e.g. 40,64,100\n`);
  process.exit(2);
}

const dataset = await readDataset(resolve(datasetDir));
const config = { ...DEFAULT_CONFIG, kValues: [10], warmupQueries: 20 };
const versions = new Map(version ? [[definition.name, version]] : []);
const server = await storeServer({ runtime: 'local', versions, images: new Map(), memoryLimits: new Map() }, definition).start();
try {
  process.stdout.write(`${definition.name} ${server.description}\n${knob.name} | recall@10 | filtered recall@10 | p50 (ms) | empty answers\n`);
  for (const value of values) {
    const session = await knob.profileWith(value).createAdapter().connect(server.endpoint);
    try {
      const collection = await session.createCollection({ name: `knob_${value}_${Date.now().toString(36)}`, dims: dataset.manifest.dims, metric: dataset.manifest.metric });
      const ctx = { store: definition.name, capabilities: session.capabilities, collection, dataset, config, progress: silentProgress };
      await runInsert(ctx);
      const [plain] = await runVectorSearch(ctx);
      const filtered = await runFilteredVectorSearch(ctx);
      const recall = plain?.status === 'ok' ? (plain.recall ?? NaN).toFixed(3) : plain?.status;
      const filteredRecall = filtered.status === 'ok' ? (filtered.recall ?? NaN).toFixed(3) : filtered.status;
      const p50 = plain?.status === 'ok' ? plain.latency.p50Ms.toFixed(2) : '–';
      const empty = plain?.status === 'ok' ? plain.emptyAnswers : '–';
      process.stdout.write(`${value} | ${recall} | ${filteredRecall} | ${p50} | ${empty}\n`);
      await collection.drop();
    } finally {
      await session.close();
    }
  }
} finally {
  await server.stop();
}
