/**
 * Where a Weaviate search's client time goes (dify profile: the exists check over REST, then the
 * gRPC Search call). The adapter's search is captured once through recording proxies, then the
 * same requests are sent one at a time to one local server by clients that peel the layers off,
 * each timed with this process's CPU per request:
 *  - the adapter (exists check + weaviate-client's nearVector);
 *  - weaviate-client's collections.use and nearVector, as the adapter's driver calls them for each
 *    search, with the options it passes;
 *  - weaviate-client's nearVector alone on one collection handle (its query builders, nice-grpc,
 *    @grpc/grpc-js, its reply parsing);
 *  - @grpc/grpc-js alone: a unary call with the captured SearchRequest bytes and no decoding;
 *  - node:http2 alone: the captured stream (headers and framed bytes), as the selftest's replay sends it.
 * So the differences say what each layer costs; the server's work is the same in every row.
 *
 *   npx tsx scripts/measure-weaviate-grpc.ts [--queries 2000] [--rounds 2]
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { credentials, Client, Metadata } from '@grpc/grpc-js';
import weaviate from 'weaviate-client';
import { selectProfile } from '../src/adapters/registry.js';
import { weaviateStore } from '../src/adapters/weaviate/index.js';
import { WEAVIATE_SEARCH_PATH } from '../src/adapters/weaviate/weaviate-selftest.js';
import { RETURN_PROPERTIES } from '../src/adapters/weaviate/weaviate-schema.js';
import { row } from '../src/datasets/dataset.js';
import { docBatches } from '../src/bench/workloads/doc-batches.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import { positiveInt } from '../src/cli/parse-options.js';
import { storeServer } from '../src/runtime/start-server.js';
import { startRecordingProxies } from '../src/runtime/replay/recording-proxies.js';
import { openH2cConnection } from '../src/runtime/replay/h2c-replay.js';
import { grpcMessages } from '../src/runtime/replay/grpc-frame.js';
import { timeSerially } from './serial-timing.js';

const o = new Command('measure-weaviate-grpc')
  .option('--dataset <dir>', 'dataset', 'datasets/linux-doc-mini')
  .option('--queries <n>', 'timed requests per client and round', positiveInt('--queries'), 2000)
  .option('--warmup <n>', 'untimed requests per client and round first', positiveInt('--warmup'), 200)
  .option('--rounds <n>', 'rounds, each timing every client', positiveInt('--rounds'), 2)
  .parse()
  .opts<{ dataset: string; queries: number; warmup: number; rounds: number }>();

async function timedLoop(label: string, send: () => Promise<unknown>): Promise<void> {
  const { latency: s, cpu } = await timeSerially(send, o.warmup, o.queries);
  process.stdout.write(`| ${label} | ${s.p50Ms.toFixed(3)} | ${s.meanMs.toFixed(3)} | ${cpu.perRequestUs.toFixed(0)} |\n`);
}

const dataset = await readDataset(resolve(o.dataset));
const server = await storeServer({ runtime: 'local', versions: new Map(), images: new Map(), memoryLimits: new Map() }, weaviateStore).start();
try {
  const profile = selectProfile(weaviateStore, 'dify').profile;
  const session = await profile.createAdapter().connect(server.endpoint);
  const spec = { name: `Grpc_${Date.now().toString(36)}`, dims: dataset.manifest.dims, metric: dataset.manifest.metric };
  const collection = await session.createCollection(spec);
  for (const batch of docBatches(dataset, 100)) await collection.insert(batch);
  await collection.waitUntilSearchable(dataset.docs.length);
  const query = { vector: row(dataset.queryVectors, dataset.manifest.dims, 0), k: 4 };

  // The adapter's search, once, through recording proxies on both ports.
  const proxies = await startRecordingProxies(server.endpoint, { http: 'http1', grpc: 'h2c' });
  const { exchanges } = await proxies.record(async () => {
    const recorded = await profile.createAdapter().connect(proxies.endpoint);
    try {
      await (await recorded.createCollection(spec)).searchVector(query);
    } finally {
      await recorded.close();
    }
  });
  await proxies.close();
  const search = exchanges.find((e) => e.protocol === 'h2c' && e.request.path === WEAVIATE_SEARCH_PATH);
  if (!search) throw new Error(`the adapter sent no ${WEAVIATE_SEARCH_PATH} call`);
  const [message] = grpcMessages(search.request.body);
  if (!message) throw new Error('the recorded Search call holds no message');
  const { host, ports } = server.endpoint;
  if (ports.http === undefined || ports.grpc === undefined) throw new Error('weaviate: the server has no http or grpc port');

  const client = await weaviate.connectToCustom({ httpHost: host, httpPort: ports.http, grpcHost: host, grpcPort: ports.grpc, skipInitChecks: true });
  const viaClient = client.collections.use(collection.name);
  const grpc = new Client(`${host}:${ports.grpc}`, credentials.createInsecure());
  const messageBytes = Buffer.from(message);
  const unary = () =>
    new Promise<Buffer>((done, fail) => {
      grpc.makeUnaryRequest(WEAVIATE_SEARCH_PATH, (b: Buffer) => b, (b: Buffer) => b, messageBytes, new Metadata(), (error, reply) =>
        error || !reply ? fail(error ?? new Error('no reply')) : done(reply),
      );
    });
  const h2 = openH2cConnection('127.0.0.1', ports.grpc);

  process.stdout.write(
    `Weaviate ${session.info.version}, ${server.description}; ${dataset.manifest.name}: ${dataset.docs.length} × ${dataset.manifest.dims}; ` +
      `Dify's search, k=4; SearchRequest ${message.length} B; ${o.queries} timed requests per client and round after ${o.warmup} untimed\n\n` +
      '| client | p50 (ms) | mean (ms) | client CPU (µs/request) |\n|---|---:|---:|---:|\n',
  );
  for (let round = 0; round < o.rounds; round++) {
    await timedLoop('the adapter (exists check + weaviate-client nearVector)', () => collection.searchVector(query));
    await timedLoop('weaviate-client collections.use + nearVector (the driver, each search)', () =>
      client.collections
        .use(collection.name)
        .query.nearVector([...query.vector], { limit: 4, returnMetadata: ['distance'], returnProperties: [...RETURN_PROPERTIES], includeVector: false, targetVector: 'default' }),
    );
    await timedLoop('weaviate-client nearVector alone, on one collection handle', () =>
      viaClient.query.nearVector([...query.vector], { limit: 4, returnMetadata: ['distance'], returnProperties: [...RETURN_PROPERTIES], includeVector: false, targetVector: 'default' }),
    );
    await timedLoop('@grpc/grpc-js unary, the captured bytes, reply not decoded', unary);
    await timedLoop('node:http2, the captured stream (the selftest replay)', () => h2.send(search.request));
  }
  grpc.close();
  await h2.close();
  await client.close();
  await collection.drop();
  await session.close();
} finally {
  await server.stop();
}
