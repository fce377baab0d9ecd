/**
 * What the client costs for Dify's exists check, the REST call before every Weaviate search
 * (GET /v1/schema/{class}): the adapter's WeaviateRest (undici's request on a keep-alive pool)
 * against Node's fetch of the same request (how WeaviateRest sent it until 2026-12-07), one at a
 * time against one local server, alternating in rounds; mean latency and this process's CPU per
 * request. The GraphQL profile's searches go through the same WeaviateRest.
 *
 *   npx tsx scripts/measure-weaviate-rest.ts [--requests 3000] [--rounds 3]
 */
import { Command } from 'commander';
import { selectProfile } from '../src/adapters/registry.js';
import { weaviateStore } from '../src/adapters/weaviate/index.js';
import { WeaviateRest } from '../src/adapters/weaviate/weaviate-rest.js';
import { positiveInt } from '../src/cli/parse-options.js';
import { storeServer } from '../src/runtime/start-server.js';
import { timeSerially } from './serial-timing.js';

const o = new Command('measure-weaviate-rest')
  .option('--requests <n>', 'timed requests per client and round', positiveInt('--requests'), 3000)
  .option('--rounds <n>', 'rounds, each timing both clients', positiveInt('--rounds'), 3)
  .parse()
  .opts<{ requests: number; rounds: number }>();

async function timedLoop(label: string, once: () => Promise<unknown>): Promise<void> {
  const { wallSeconds, cpu } = await timeSerially(once, Math.ceil(o.requests / 10), o.requests);
  process.stdout.write(`| ${label} | ${((wallSeconds / o.requests) * 1e6).toFixed(0)} | ${cpu.perRequestUs.toFixed(0)} |\n`);
}

const server = await storeServer({ runtime: 'local', versions: new Map(), images: new Map(), memoryLimits: new Map() }, weaviateStore).start();
try {
  const session = await selectProfile(weaviateStore, 'dify').profile.createAdapter().connect(server.endpoint);
  const collection = await session.createCollection({ name: `rest_${Date.now().toString(36)}`, dims: 8, metric: 'cosine' });
  const base = `http://${server.endpoint.host}:${server.endpoint.ports.http}/v1`;
  const rest = new WeaviateRest(base);
  process.stdout.write(
    `Weaviate ${session.info.version}, ${server.description}; GET /v1/schema/${collection.name}, ` +
      `${o.requests} timed requests per client and round after ${Math.ceil(o.requests / 10)} untimed\n\n` +
      '| client | mean (µs) | client CPU (µs/request) |\n|---|---:|---:|\n',
  );
  for (let round = 0; round < o.rounds; round++) {
    await timedLoop('fetch (before)', async () => {
      const res = await fetch(`${base}/schema/${collection.name}`, { signal: AbortSignal.timeout(120_000) });
      await res.text();
    });
    await timedLoop('WeaviateRest.classExists (undici pool)', () => rest.classExists(collection.name));
  }
  await rest.close();
  await collection.drop();
  await session.close();
} finally {
  await server.stop();
}
