/**
 * Whether pgvector tables built from the same data answer the same queries equally fast (README
 * "CI regression gate": the offset a pgvector A/A decision carries as a whole, when each side has
 * its own table). Builds --tables tables of the dataset as gate sides do (Dify's schema and HNSW
 * index), then:
 * - work: for every unfiltered vector query (Dify's k=4 statement), the plan and the shared
 *   buffers it touched, from EXPLAIN (ANALYZE, BUFFERS). A count, not a timing: tables that differ
 *   here ask the server for different work (an HNSW graph built differently);
 * - time (--rounds N > 0): the tables take turns query by query, rotated, as gate sides do; each
 *   table's offset is its mean over rounds of ln(its round median / the tables' mean round median).
 *   Under "no table is faster than another" the offsets scatter as their standard errors (from the
 *   rounds) say: the excess SD is what the tables add of their own, and its χ² test says whether
 *   it is there at all.
 * --builds B repeats all of it with new tables (dropped and built again), so an offset that
 * follows the build is told from one that follows the creation order.
 *
 *   npx tsx scripts/pgvector-graph-cost.ts [--dataset datasets/linux-doc-mini] [--tables 8] [--rounds 0] [--builds 1]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { chiSquaredDistributionTable, mean, sampleVariance } from 'simple-statistics';
import { pgvectorStore } from '../src/adapters/pgvector/index.js';
import { tableName, vectorSearchSql } from '../src/adapters/pgvector/pgvector-sql.js';
import { row } from '../src/datasets/dataset.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import type { Endpoint } from '../src/runtime/endpoint.js';
import { startLocalServer } from '../src/runtime/local-runtime.js';
import { integerFlag } from './integer-flag.js';

const { values: flags } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'datasets/linux-doc-mini' },
    tables: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '0' },
    builds: { type: 'string', default: '1' },
  },
});
const TABLES = integerFlag('tables', flags.tables, 2);
const ROUNDS = integerFlag('rounds', flags.rounds, 0);
// A table's offset has a standard error only from two rounds up.
if (ROUNDS === 1) {
  process.stderr.write('--rounds: 1 round gives no spread to judge offsets by; use 0 (work only) or at least 2\n');
  process.exit(2);
}
const BUILDS = integerFlag('builds', flags.builds, 1);
const K = 4;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}
/** The scan under the Limit (and Sort, for a sequential scan): what found the rows. */
function scanOf(node: PlanNode): string {
  const child = node.Plans?.[0];
  if (child) return scanOf(child);
  return node['Index Name'] ? `${node['Node Type']} using ${node['Index Name']}` : node['Node Type'];
}
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
/** The χ² test's 5% and 1% critical values, from simple-statistics' table (degrees of freedom up to 100). */
function criticalChi2(df: number): string {
  const row: Partial<Record<string, number>> | undefined = (chiSquaredDistributionTable as unknown as Record<number, Record<string, number>>)[df];
  return row ? `5%: ${row['0.05']}, 1%: ${row['0.01']}` : 'no table row';
}
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const share = (x: number): string => `${(100 * x).toFixed(1)}%`;

const dataset = await readDataset(flags.dataset as string);
const { dims, metric } = dataset.manifest;
const PLACEHOLDER = tableName('placeholder');
const queries = dataset.queries.map((_, i) => vectorSearchSql(PLACEHOLDER, metric, row(dataset.queryVectors, dims, i), K, undefined));
const onTable = (sql: string, t: number): string => sql.replace(PLACEHOLDER, tableName(`graph_cost_${t}`));
const docs = dataset.docs.map((d, i) => ({ id: d.id, documentId: d.document_id, text: d.text, vector: row(dataset.vectors, dims, i) }));

/** Drops and builds the tables, in order 0, 1, ...: one insert call per 500 chunks, as the placement script does. */
async function build(endpoint: Endpoint): Promise<void> {
  const session = await (pgvectorStore.profiles.dify ?? process.exit(2)).createAdapter().connect(endpoint);
  for (let t = 0; t < TABLES; t++) await session.removeCollection(`graph_cost_${t}`);
  for (let t = 0; t < TABLES; t++) {
    const collection = await session.createCollection({ name: `graph_cost_${t}`, dims, metric });
    for (let i = 0; i < docs.length; i += 500) await collection.insert(docs.slice(i, i + 500));
    await collection.waitUntilSearchable(docs.length);
  }
  await session.close();
}

/** Per table, the shared buffers its queries touched, summed; and the plans seen. */
async function work(client: pg.Client): Promise<{ buffers: number[]; differing: number; scans: Set<string> }> {
  const perQuery: number[][] = [];
  const scans = new Set<string>();
  for (let t = 0; t < TABLES; t++) {
    const mine: number[] = [];
    for (const q of queries) {
      const explained = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${onTable(q.text, t)}`, q.values);
      const plan = explained.rows[0]?.['QUERY PLAN'][0]?.Plan;
      if (!plan) throw new Error(`table ${t}: EXPLAIN returned no plan`);
      scans.add(scanOf(plan));
      mine.push(plan['Shared Hit Blocks'] + plan['Shared Read Blocks']);
    }
    perQuery.push(mine);
  }
  const differing = queries.filter((_, j) => new Set(perQuery.map((m) => m[j])).size > 1).length;
  return { buffers: perQuery.map((m) => m.reduce((s, b) => s + b, 0)), differing, scans };
}

/** Per table, its offset (mean log ratio to the tables' mean round median) and that mean's variance from the rounds. */
async function time(client: pg.Client): Promise<{ offsets: number[]; variances: number[]; medianMs: number[] }> {
  const ratios: number[][] = Array.from({ length: TABLES }, () => []);
  const all: number[][] = Array.from({ length: TABLES }, () => []);
  for (let r = 0; r < ROUNDS; r++) {
    const round: number[][] = Array.from({ length: TABLES }, () => []);
    for (const [j, q] of queries.entries()) {
      for (let turn = 0; turn < TABLES; turn++) {
        const t = (turn + r + j) % TABLES;
        const t0 = performance.now();
        await client.query(onTable(q.text, t), q.values);
        round[t]?.push(performance.now() - t0);
      }
    }
    const medians = round.map(median);
    round.forEach((ms, t) => {
      all[t]?.push(...ms);
      ratios[t]?.push(Math.log((medians[t] ?? 0) / mean(medians)));
    });
  }
  return { offsets: ratios.map(mean), variances: ratios.map((x) => sampleVariance(x) / x.length), medianMs: all.map(median) };
}

const server = await startLocalServer('pgvector', pgvectorStore.local ?? process.exit(2));
const client = new pg.Client({ host: server.endpoint.host, port: server.endpoint.ports.postgres, user: 'postgres', database: 'postgres' });
try {
  await client.connect();
  const byCreation: number[][] = Array.from({ length: TABLES }, () => []);
  for (let b = 0; b < BUILDS; b++) {
    await build(server.endpoint);
    const { buffers, differing, scans } = await work(client);
    const meanBuffers = mean(buffers);
    console.log(`\nbuild ${b + 1}: ${TABLES} tables of ${docs.length} chunks, ${queries.length} vector queries (k=${K}); plan: ${[...scans].join(', ')}`);
    console.log(`  shared buffers per table, summed over the queries: ${buffers.join(', ')} (SD ${share(Math.sqrt(sampleVariance(buffers)) / meanBuffers)} of the mean; ${differing} of ${queries.length} queries differ between tables)`);
    if (ROUNDS === 0) continue;
    const { offsets, variances, medianMs } = await time(client);
    offsets.forEach((o, t) => byCreation[t]?.push(o));
    const chi2 = offsets.reduce((s, o, t) => s + o ** 2 / (variances[t] ?? 1), 0);
    const excess = Math.sqrt(Math.max(0, sampleVariance(offsets) - mean(variances)));
    console.log(`  ${ROUNDS} rounds; per table (in creation order): latency offset ± SE, buffers against the mean, median ms`);
    offsets.forEach((o, t) =>
      console.log(`    table ${t}: ${pct(o).padStart(6)} ± ${(100 * Math.sqrt(variances[t] ?? 0)).toFixed(1)}%  buffers ${pct((buffers[t] ?? 0) / meanBuffers - 1)}  ${(medianMs[t] ?? 0).toFixed(3)} ms`),
    );
    console.log(`  offsets' SD ${share(Math.sqrt(sampleVariance(offsets)))}, rounds predict ${share(Math.sqrt(mean(variances)))}: excess ${share(excess)}; χ²(${TABLES - 1}) = ${chi2.toFixed(1)} (${criticalChi2(TABLES - 1)})`);
  }
  if (ROUNDS > 0 && BUILDS > 1) {
    console.log(`\nmean offset by creation order over ${BUILDS} builds: ${byCreation.map((o, t) => `${t}: ${pct(mean(o))}`).join(', ')}`);
  }
} finally {
  await client.end().catch(() => undefined);
  await server.stop();
}
