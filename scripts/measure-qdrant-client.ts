/**
 * Where a Qdrant search's serial latency goes: the same request, captured from the adapter (its
 * read pool, src/adapters/qdrant/qdrant-reads.ts) through a recording proxy, sent by several
 * clients one at a time to one local server, each timed over every request, with this process's
 * CPU per request. The clients differ only in how they ask for the answer (Accept-Encoding) and in
 * the HTTP stack (undici's request, Node's fetch as @qdrant/js-client-rest sends), so the table
 * says what the harness's client adds and what the server's response compression costs. With
 * --python, the same search is also made by Python's qdrant-client (Dify's client; its httpx asks
 * for "gzip, deflate"; its CPU is another process's, so not shown).
 *
 *   npx tsx scripts/measure-qdrant-client.ts [--version 1.8.3] [--queries 300] [--python .venv/bin/python]
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { Command } from 'commander';
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { request } from 'undici';
import { selectProfile } from '../src/adapters/registry.js';
import { qdrantStore } from '../src/adapters/qdrant/index.js';
import { row } from '../src/datasets/dataset.js';
import { docBatches } from '../src/bench/workloads/doc-batches.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import { positiveInt } from '../src/cli/parse-options.js';
import { storeServer } from '../src/runtime/start-server.js';
import { ExchangeRecorder } from '../src/runtime/replay/exchange-recorder.js';
import { startHttp1RecordingProxy } from '../src/runtime/replay/http1-recording-proxy.js';
import { timeSerially } from './serial-timing.js';

const o = new Command('measure-qdrant-client')
  .option('--version <v>', 'Qdrant server version (installed by scripts/install-qdrant.sh)')
  .option('--dataset <dir>', 'dataset', 'datasets/linux-doc-mini')
  .option('--queries <n>', 'timed requests per client', positiveInt('--queries'), 300)
  .option('--warmup <n>', 'untimed requests per client first', positiveInt('--warmup'), 30)
  .option('--python <path>', "a Python with qdrant-client installed (Dify's client)")
  .parse()
  .opts<{ version?: string; dataset: string; queries: number; warmup: number; python?: string }>();

interface Captured {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The one /points/search request `search` sends through a recording proxy in front of `port`. */
async function captureSearch(port: number, search: (proxyPort: number) => Promise<unknown>): Promise<Captured> {
  const recorder = new ExchangeRecorder();
  const proxy = await startHttp1RecordingProxy({ host: '127.0.0.1', port }, 'http', recorder);
  try {
    const { exchanges } = await recorder.record(() => search(proxy.port));
    const found = exchanges.find((e) => e.request.method === 'POST' && e.request.path.endsWith('/points/search'));
    if (!found) throw new Error('the adapter sent no /points/search request');
    const { host: _host, 'content-length': _length, ...headers } = found.request.headers;
    return { url: `http://127.0.0.1:${port}${found.request.path}`, headers, body: Buffer.from(found.request.body).toString('utf8') };
  } finally {
    await proxy.close();
  }
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  return body;
}

async function timedLoop(label: string, send: () => Promise<string | undefined>): Promise<void> {
  const { latency: s, cpu, last: encoding } = await timeSerially(send, o.warmup, o.queries);
  process.stdout.write(
    `| ${label} | ${encoding ?? 'none'} | ${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.meanMs.toFixed(2)} | ${cpu.perRequestUs.toFixed(0)} |\n`,
  );
}

const dataset = await readDataset(resolve(o.dataset));
const versions = new Map(o.version ? [['qdrant', o.version]] : []);
const server = await storeServer({ runtime: 'local', versions, images: new Map(), memoryLimits: new Map() }, qdrantStore).start();
try {
  const session = await selectProfile(qdrantStore, 'dify').profile.createAdapter().connect(server.endpoint);
  const spec = { name: `client_${Date.now().toString(36)}`, dims: dataset.manifest.dims, metric: dataset.manifest.metric };
  const collection = await session.createCollection(spec);
  for (const batch of docBatches(dataset, 64)) await collection.insert(batch);
  await collection.waitUntilSearchable(dataset.docs.length);
  const query = { vector: row(dataset.queryVectors, dataset.manifest.dims, 0), k: 4 };
  const port = server.endpoint.ports.http;
  if (port === undefined) throw new Error('qdrant: the server has no http port');
  // A second session of the profile, through the proxy, searches the same knowledge base once.
  const captured = await captureSearch(port, async (proxyPort) => {
    const recorded = await selectProfile(qdrantStore, 'dify').profile.createAdapter().connect({ ...server.endpoint, ports: { http: proxyPort } });
    try {
      await (await recorded.createCollection(spec)).searchVector(query);
    } finally {
      await recorded.close();
    }
  });
  const answerBytes = (await request(captured.url, { method: 'POST', headers: captured.headers, body: captured.body }).then((r) => r.body.arrayBuffer())).byteLength;
  process.stdout.write(
    `Qdrant ${session.info.version}, ${server.description}\n` +
      `${dataset.manifest.name}: ${dataset.docs.length} × ${dataset.manifest.dims}; Dify's search, k=4 with payload and vectors: ` +
      `request ${captured.body.length} B, answer ${answerBytes} B uncompressed; ${o.queries} timed requests each after ${o.warmup} untimed\n` +
      `client headers: ${JSON.stringify(captured.headers)}\n\n` +
      '| client | answer encoding | p50 (ms) | p99 (ms) | mean (ms) | client CPU (µs/request) |\n|---|---|---|---|---|---:|\n',
  );

  await timedLoop('the adapter (undici request on its read pool)', async () => {
    await collection.searchVector(query);
    return undefined;
  });
  // The same search by the official client, as the adapter sent it before its read pool.
  const official = new QdrantClient({ url: new URL(captured.url).origin, checkCompatibility: false, headers: { 'accept-encoding': 'identity' } });
  const name = decodeURIComponent(new URL(captured.url).pathname.split('/')[2] ?? '');
  const searchBody = JSON.parse(captured.body) as Schemas['SearchRequest'];
  await timedLoop('@qdrant/js-client-rest search (fetch)', async () => {
    await official.search(name, searchBody);
    return undefined;
  });
  for (const acceptEncoding of [undefined, 'gzip, deflate', 'gzip, deflate, br']) {
    const headers = { ...captured.headers, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) };
    await timedLoop(`undici.request, Accept-Encoding: ${acceptEncoding ?? '(none)'}`, async () => {
      const r = await request(captured.url, { method: 'POST', headers, body: captured.body });
      const encoding = r.headers['content-encoding'] as string | undefined;
      JSON.parse(decode(Buffer.from(await r.body.arrayBuffer()), encoding).toString('utf8'));
      return encoding;
    });
  }
  await timedLoop('fetch (as @qdrant/js-client-rest sends), its own Accept-Encoding', async () => {
    const r = await fetch(captured.url, { method: 'POST', headers: captured.headers, body: captured.body });
    await r.json();
    return r.headers.get('content-encoding') ?? undefined;
  });
  if (o.python) {
    const script = `
import sys, time, json, statistics
from qdrant_client import QdrantClient, models
url, name, body, n, warm = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
c = QdrantClient(url=url)
flt = models.Filter(**body['filter']) if 'filter' in body else None
def once():
    c.search(collection_name=name, query_vector=body['vector'], query_filter=flt, limit=body['limit'],
             with_payload=True, with_vectors=body.get('with_vector', False), score_threshold=body.get('score_threshold'))
for _ in range(warm): once()
xs = []
for _ in range(n):
    t = time.perf_counter(); once(); xs.append((time.perf_counter() - t) * 1000)
xs.sort()
print(f"{xs[len(xs)//2]:.2f} {xs[min(len(xs)-1, int(len(xs)*0.99))]:.2f} {statistics.mean(xs):.2f}")
`;
    const url = new URL(captured.url);
    const { stdout } = await promisify(execFile)(o.python, ['-c', script, url.origin, name, captured.body, String(o.queries), String(o.warmup)]);
    const [p50, p99, mean] = stdout.trim().split(' ');
    process.stdout.write(`| Python qdrant-client (Dify's client: httpx, gzip, deflate) | as the server chose | ${p50} | ${p99} | ${mean} | – |\n`);
  }
  await collection.drop();
  await session.close();
} finally {
  await server.stop();
}
