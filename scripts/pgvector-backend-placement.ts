/**
 * Whether a pgvector side's latency depends on where the scheduler runs its PostgreSQL backend
 * (README "CI regression gate", why each gate side gets a new connection every round). Three
 * sides, each with its own table of the same data and its own connection, take turns query by
 * query on the dataset's filtered vector searches, as `bench gate` does; after every query the
 * backend's last CPU and the harness's are read from /proc. Prints, per round, each side's median
 * latency and in how many of its queries its backend had run on the harness's core, then the
 * median ratio of such a query's latency to the other two sides' mean.
 *
 *   npx tsx scripts/pgvector-backend-placement.ts [--dataset datasets/linux-doc-mini] [--rounds 40]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pgvectorStore } from '../src/adapters/pgvector/index.js';
import { tableName, vectorSearchStatement } from '../src/adapters/pgvector/pgvector-sql.js';
import { vectorBinary } from '../src/adapters/pgvector/pgvector-vector-param.js';
import { row } from '../src/datasets/dataset.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import { startLocalServer } from '../src/runtime/local-runtime.js';

const { values: flags } = parseArgs({ options: { dataset: { type: 'string', default: 'datasets/linux-doc-mini' }, rounds: { type: 'string', default: '40' } } });
const ROUNDS = Number(flags.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS <= 0) {
  process.stderr.write(`--rounds: expected a positive integer, got ${flags.rounds}\n`);
  process.exit(2);
}
const SIDES = ['B', 'A', 'D'] as const;
const K = 4;

/** The CPU a thread last ran on (field 39 of /proc/<pid>/task/<tid>/stat). */
function lastCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]);
}
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const dataset = await readDataset(flags.dataset as string);
const { dims, metric } = dataset.manifest;
const queries = dataset.queries.flatMap((q, i) => (q.document_ids ? [{ i, documentIds: q.document_ids }] : []));
if (queries.length === 0) throw new Error(`${flags.dataset}: no query has document_ids (the filtered vector searches)`);
const server = await startLocalServer('pgvector', pgvectorStore.local ?? process.exit(2));
const clients: pg.Client[] = [];
try {
  const session = await (pgvectorStore.profiles.dify ?? process.exit(2)).createAdapter().connect(server.endpoint);
  const docs = dataset.docs.map((d, i) => ({ id: d.id, documentId: d.document_id, text: d.text, vector: row(dataset.vectors, dims, i) }));
  for (const side of SIDES) {
    const collection = await session.createCollection({ name: `placement_${side}`, dims, metric });
    for (let i = 0; i < docs.length; i += 500) await collection.insert(docs.slice(i, i + 500));
    await collection.waitUntilSearchable(docs.length);
  }
  await session.close();
  const backends: number[] = [];
  for (let s = 0; s < SIDES.length; s++) {
    const client = new pg.Client({ host: server.endpoint.host, port: server.endpoint.ports.postgres, user: 'postgres', database: 'postgres' });
    await client.connect();
    clients.push(client);
    backends.push(Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid));
  }
  /** Per query j of round r: each side's latency and whether its backend last ran on the harness's core. */
  const turns: Array<Array<{ ms: number; sameCore: boolean }>> = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [j, q] of queries.entries()) {
      const turn: Array<{ ms: number; sameCore: boolean }> = [];
      for (let t = 0; t < SIDES.length; t++) {
        const s = (t + r + j) % SIDES.length; // rotated as the gate rotates its sides
        const statement = vectorSearchStatement(tableName(`placement_${SIDES[s]}`), metric, vectorBinary(row(dataset.queryVectors, dims, q.i)), K, q.documentIds);
        const t0 = performance.now();
        await clients[s]?.query(statement.text, statement.values);
        turn[s] = { ms: performance.now() - t0, sameCore: lastCpu(backends[s] as number) === lastCpu(process.pid) };
      }
      turns.push(turn);
    }
  }
  for (let r = 0; r < ROUNDS; r++) {
    const round = turns.slice(r * queries.length, (r + 1) * queries.length);
    const cells = SIDES.map((name, s) => {
      const mine = round.map((turn) => turn[s] as { ms: number; sameCore: boolean });
      return `${name} ${median(mine.map((m) => m.ms)).toFixed(3)} ms (${mine.filter((m) => m.sameCore).length}/${mine.length} on the harness's core)`;
    });
    console.log(`round ${String(r + 1).padStart(2)}: ${cells.join('  ')}`);
  }
  // Where exactly one side's backend ran on the harness's core: its latency against the others' mean.
  const ratios = turns.flatMap((turn) => {
    const same = turn.filter((x) => x.sameCore);
    const other = turn.filter((x) => !x.sameCore);
    return same.length === 1 && other.length === 2 ? [(same[0]?.ms ?? 0) / (((other[0]?.ms ?? 0) + (other[1]?.ms ?? 0)) / 2)] : [];
  });
  console.log(
    `\nqueries where one side's backend had run on the harness's core: ${ratios.length} of ${turns.length}; ` +
      `its latency against the other two sides' mean: median ${median(ratios).toFixed(3)}`,
  );
} finally {
  for (const client of clients) await client.end().catch(() => undefined);
  await server.stop();
}
