/**
 * What each step of the pgvector adapter's query path costs the client, measured in one process
 * against one real server so the machine's load lands on every variant alike: variants run in
 * short interleaved blocks (rotating order), and each variant's figure is its median block.
 * Every variant sends Dify's query (same SQL text, same vector, same k): through node-postgres
 * step by step, through the adapter as bench run calls it (behind the per-call timeout, in its
 * serial loop), and, as the floor any Node client pays, as raw protocol bytes on a socket.
 *
 *   npx tsx scripts/pgvector-client-variants.ts [--vectors 20000] [--blocks 20] [--block-queries 500] [--only <regex>]
 *
 * Prints, per variant: client CPU µs per query (process.cpuUsage) and mean wall latency.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pgvectorStore } from '../src/adapters/pgvector/index.js';
import { tableName, vectorSearchStatement } from '../src/adapters/pgvector/pgvector-sql.js';
import { queryRows } from '../src/adapters/pgvector/pgvector-rows-query.js';
import { VECTOR_ROW } from '../src/adapters/pgvector/pgvector-vector-query.js';
import { VectorEncodingCache, vectorBinary, vectorLiteral } from '../src/adapters/pgvector/pgvector-vector-param.js';
import { DIFY_PGVECTOR_CONFIG } from '../src/adapters/pgvector/pgvector-config.js';
import { selftestData } from '../src/bench/selftest/selftest-data.js';
import { startLocalServer } from '../src/runtime/local-runtime.js';
import { DEFAULT_CONFIG } from '../src/bench/bench-config.js';
import { guardCollection } from '../src/bench/call-timeout.js';
import { silentProgress } from '../src/bench/progress.js';
import { runSerialSearch } from '../src/bench/workloads/serial-search.js';
import { integerFlag } from './integer-flag.js';

/**
 * The least a Node client can pay for this query: the same Bind, Describe, Execute, Sync bytes
 * (the vector binary, as the adapter sends it) written straight to a socket, and the answer read
 * only as far as counting its DataRows and finding ReadyForQuery. No library, no row decoding:
 * a measuring stick for node-postgres's share of the client's CPU, not a way to query.
 */
class RawProtocolClient {
  private pending: Buffer[] = [];
  private waiter: { resolve: (rows: number) => void; reject: (error: Error) => void } | undefined;
  private rows = 0;
  private error: Error | undefined;

  /** Bind's portal and statement names, the same bytes every query. */
  private readonly names: Buffer;

  private constructor(private readonly socket: Socket, statement: string) {
    this.names = Buffer.from(`\0${statement}\0`);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error) => this.waiter?.reject(error));
  }

  static async open(
    connection: { host: string; port: number; user: string; database: string },
    statement: { name: string; text: string },
  ): Promise<RawProtocolClient> {
    const socket = connect({ host: connection.host, port: connection.port });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawProtocolClient(socket, statement.name);
    // Startup (protocol 3.0; the local recipe trusts 127.0.0.1), then the statement parsed once.
    const params = Buffer.from(`user\0${connection.user}\0database\0${connection.database}\0\0`);
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + params.length, 0);
    startup.writeInt32BE(196608, 4);
    await client.exchange(Buffer.concat([startup, params]));
    const parse = Buffer.from(`${statement.name}\0${statement.text}\0\0\0`);
    await client.exchange(Buffer.concat([message('P', parse), message('S', Buffer.alloc(0))]));
    return client;
  }

  async query(vector: Buffer): Promise<number> {
    const head = Buffer.alloc(10);
    head.writeInt16BE(1, 0); // one parameter format code: binary
    head.writeInt16BE(1, 2);
    head.writeInt16BE(1, 4); // one parameter
    head.writeInt32BE(vector.length, 6);
    const bind = message('B', Buffer.concat([this.names, head, vector, Buffer.from([0, 0])]));
    const rows = await this.exchange(Buffer.concat([bind, DESCRIBE_EXECUTE_SYNC]));
    if (rows !== 4) throw new Error(`raw client: ${rows} rows, expected 4`);
    return rows;
  }

  close(): void {
    this.socket.end(message('X', Buffer.alloc(0)));
  }

  private exchange(bytes: Buffer): Promise<number> {
    this.rows = 0;
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  private read(chunk: Buffer): void {
    this.pending.push(chunk);
    let buffer = this.pending.length === 1 ? chunk : Buffer.concat(this.pending);
    let at = 0;
    while (buffer.length - at >= 5) {
      const type = buffer[at];
      const length = buffer.readInt32BE(at + 1);
      if (buffer.length - at < 1 + length) break;
      // ErrorResponse: the server still ends the exchange with ReadyForQuery.
      if (type === 0x45) this.error = new Error(`raw client: server error ${buffer.subarray(at + 5, at + 1 + length).toString('latin1')}`);
      if (type === 0x44) this.rows++;
      at += 1 + length;
      if (type === 0x5a) {
        if (this.error) this.waiter?.reject(this.error);
        else this.waiter?.resolve(this.rows);
        this.error = undefined;
      }
    }
    buffer = buffer.subarray(at);
    this.pending = buffer.length > 0 ? [buffer] : [];
  }
}

const DESCRIBE_EXECUTE_SYNC = Buffer.concat([
  message('D', Buffer.from('P\0')),
  message('E', Buffer.from([0, 0, 0, 0, 0])),
  message('S', Buffer.alloc(0)),
]);

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

const { values: flags } = parseArgs({
  options: {
    vectors: { type: 'string', default: '20000' },
    blocks: { type: 'string', default: '20' },
    'block-queries': { type: 'string', default: '500' },
    only: { type: 'string' },
  },
});
const VECTORS = integerFlag('vectors', flags.vectors, 1);
const BLOCKS = integerFlag('blocks', flags.blocks, 1);
const BLOCK_QUERIES = integerFlag('block-queries', flags['block-queries'], 1);
const DIMS = 128;
const K = 4;

const server = await startLocalServer('pgvector', pgvectorStore.local ?? process.exit(2));
try {
  const data = selftestData(VECTORS, DIMS, 12);
  const adapter = pgvectorStore.profiles.dify?.createAdapter();
  if (!adapter) throw new Error('no dify profile');
  const session = await adapter.connect(server.endpoint);
  const collection = await session.createCollection({ name: 'variants', dims: DIMS, metric: 'cosine' });
  for (let i = 0; i < data.docs.length; i += 1000) await collection.insert(data.docs.slice(i, i + 1000));
  const pgPort = server.endpoint.ports.postgres;
  if (pgPort === undefined) throw new Error('pgvector-client-variants: the local server has no postgres port');
  const connection = { host: server.endpoint.host, port: pgPort, user: 'postgres', database: 'postgres' };
  const pool = new pg.Pool({ ...connection, max: 1 });
  const adapterSizedPool = new pg.Pool({ ...connection, max: DIFY_PGVECTOR_CONFIG.poolSize });
  const client = new pg.Client(connection);
  await client.connect();
  const table = tableName('variants');
  // A fresh view per call, as the workloads hand them out.
  const query = (): Float32Array => data.query.subarray(0, DIMS);
  const cache = new VectorEncodingCache(vectorBinary);
  const named = { name: 'vdb_variants_vector', text: vectorSearchStatement(table, 'cosine', '', K, undefined).text };
  const raw = await RawProtocolClient.open(connection, named);
  // The adapter as bench run drives it: behind the per-call timeout, and in bench run's serial loop.
  const guarded = guardCollection(collection, DEFAULT_CONFIG.callTimeoutSeconds, () => 'search').collection;
  const serialLoop = (): Promise<unknown> =>
    runSerialSearch(
      { store: 'pgvector', capabilities: session.capabilities, collection: guarded, dataset: data.dataset, config: { ...DEFAULT_CONFIG, warmupQueries: 0 }, progress: silentProgress },
      { label: 'variants', queryIndices: new Array<number>(BLOCK_QUERIES).fill(0), k: K, search: () => guarded.searchVector({ vector: query(), k: K }) },
    );
  /** A variant sends one query per call, or (wholeBlock) a whole block of BLOCK_QUERIES itself. */
  type Variant = readonly [name: string, run: () => Promise<unknown>, wholeBlock?: 'whole block'];
  const allVariants: Variant[] = [
    ['text literal, unnamed (before)', () => { const s = vectorSearchStatement(table, 'cosine', vectorLiteral(query()), K, undefined); return pool.query(s.text, s.values); }],
    ['binary, unnamed', () => { const s = vectorSearchStatement(table, 'cosine', vectorBinary(query()), K, undefined); return pool.query(s.text, s.values); }],
    ['binary cached, unnamed', () => { const s = vectorSearchStatement(table, 'cosine', cache.get(query()), K, undefined); return pool.query(s.text, s.values); }],
    ['binary cached, prepared (named)', () => pool.query({ ...named, values: [cache.get(query())] })],
    ['binary cached, prepared, rows as arrays', () => pool.query({ ...named, values: [cache.get(query())], rowMode: 'array' })],
    ['binary cached, prepared, rows read by queryRows', () => queryRows(pool, { ...named, values: [cache.get(query())] }, VECTOR_ROW)],
    ["the same, the adapter's pool size", () => queryRows(adapterSizedPool, { ...named, values: [cache.get(query())] }, VECTOR_ROW)],
    ['the same on one client, no pool', () => queryRows(client, { ...named, values: [cache.get(query())] }, VECTOR_ROW)],
    ['floor: a raw socket, no client library', () => raw.query(cache.get(query()))],
    ["the adapter's searchVector (pool, queryRows, hits)", () => collection.searchVector({ vector: query(), k: K })],
    ["the same behind bench run's per-call timeout", () => guarded.searchVector({ vector: query(), k: K })],
    ["bench run's serial loop (runSerialSearch) over that", serialLoop, 'whole block'],
  ];
  const only = flags.only === undefined ? undefined : new RegExp(flags.only);
  const variants = only ? allVariants.filter(([name]) => only.test(name)) : allVariants;
  if (variants.length === 0) throw new Error(`--only ${flags.only}: no variant's name matches`);
  // Warm-up: JIT, plans, statements.
  for (const [, run, whole] of variants) for (let i = 0; i < (whole ? 1 : 200); i++) await run();

  const blocks = variants.map((): Array<{ cpuUs: number; wallUs: number }> => []);
  for (let b = 0; b < BLOCKS; b++) {
    for (let j = 0; j < variants.length; j++) {
      const v = (j + b) % variants.length;
      const [, run, whole] = variants[v] as Variant;
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      if (whole) await run();
      else for (let i = 0; i < BLOCK_QUERIES; i++) await run();
      const wallUs = ((performance.now() - t0) * 1000) / BLOCK_QUERIES;
      const used = process.cpuUsage(cpu);
      blocks[v]?.push({ cpuUs: (used.user + used.system) / BLOCK_QUERIES, wallUs });
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
  process.stdout.write(`${VECTORS} × ${DIMS}, k=${K}; ${BLOCKS} interleaved blocks of ${BLOCK_QUERIES} serial queries per variant; medians\n\n`);
  process.stdout.write('| variant | client CPU µs/query | mean latency µs |\n|---|---:|---:|\n');
  variants.forEach(([name], v) => {
    const b = blocks[v] ?? [];
    process.stdout.write(`| ${name} | ${median(b.map((x) => x.cpuUs)).toFixed(1)} | ${median(b.map((x) => x.wallUs)).toFixed(0)} |\n`);
  });
  await session.close();
  await pool.end();
  await adapterSizedPool.end();
  await client.end();
  raw.close();
} finally {
  await server.stop();
}
