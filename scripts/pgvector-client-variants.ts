/**
 * What each step of the pgvector adapter's query path costs the client, measured in one process
 * against one real server so the machine's load lands on every variant alike: variants run in
 * short interleaved blocks (rotating order), and each variant's figure is its median block.
 * Every variant sends Dify's query (same SQL text, same vector, same k) through node-postgres.
 *
 *   npx tsx scripts/pgvector-client-variants.ts [--vectors 20000] [--blocks 20] [--block-queries 500]
 *
 * Prints, per variant: client CPU µs per query (process.cpuUsage) and mean wall latency.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pgvectorStore } from '../src/adapters/pgvector/index.js';
import { tableName, vectorSearchStatement } from '../src/adapters/pgvector/pgvector-sql.js';
import { queryRows } from '../src/adapters/pgvector/pgvector-rows-query.js';
import { VECTOR_ROW } from '../src/adapters/pgvector/pgvector-vector-query.js';
import { VectorEncodingCache, vectorBinary, vectorLiteral } from '../src/adapters/pgvector/pgvector-vector-param.js';
import { selftestData } from '../src/bench/selftest/selftest-data.js';
import { startLocalServer } from '../src/runtime/local-runtime.js';
import { integerFlag } from './integer-flag.js';

const { values: flags } = parseArgs({
  options: {
    vectors: { type: 'string', default: '20000' },
    blocks: { type: 'string', default: '20' },
    'block-queries': { type: 'string', default: '500' },
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
  await session.close();

  const pool = new pg.Pool({ host: server.endpoint.host, port: server.endpoint.ports.postgres, user: 'postgres', database: 'postgres', max: 1 });
  const table = tableName('variants');
  // A fresh view per call, as the workloads hand them out.
  const query = (): Float32Array => data.query.subarray(0, DIMS);
  const cache = new VectorEncodingCache(vectorBinary);
  const named = { name: 'vdb_variants_vector', text: vectorSearchStatement(table, 'cosine', '', K, undefined).text };
  type Variant = readonly [string, () => Promise<unknown>];
  const variants: Variant[] = [
    ['text literal, unnamed (before)', () => { const s = vectorSearchStatement(table, 'cosine', vectorLiteral(query()), K, undefined); return pool.query(s.text, s.values); }],
    ['binary, unnamed', () => { const s = vectorSearchStatement(table, 'cosine', vectorBinary(query()), K, undefined); return pool.query(s.text, s.values); }],
    ['binary cached, unnamed', () => { const s = vectorSearchStatement(table, 'cosine', cache.get(query()), K, undefined); return pool.query(s.text, s.values); }],
    ['binary cached, prepared (named)', () => pool.query({ ...named, values: [cache.get(query())] })],
    ['binary cached, prepared, rows as arrays', () => pool.query({ ...named, values: [cache.get(query())], rowMode: 'array' })],
    ['binary cached, prepared, rows read by queryRows', () => queryRows(pool, { ...named, values: [cache.get(query())] }, VECTOR_ROW)],
  ];
  for (const [, run] of variants) for (let i = 0; i < 200; i++) await run(); // warm-up: JIT, plans, statements

  const blocks = variants.map((): Array<{ cpuUs: number; wallUs: number }> => []);
  for (let b = 0; b < BLOCKS; b++) {
    for (let j = 0; j < variants.length; j++) {
      const v = (j + b) % variants.length;
      const run = (variants[v] as Variant)[1];
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < BLOCK_QUERIES; i++) await run();
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
  await pool.end();
} finally {
  await server.stop();
}
