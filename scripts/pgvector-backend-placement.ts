/**
 * Whether a pgvector side's latency depends on where the scheduler runs its PostgreSQL backend
 * (README "CI regression gate", why each gate side gets a new connection every round). Three
 * sides, each with its own table of the same data and its own connection, take turns query by
 * query on the dataset's filtered vector searches, as `bench gate` does; after every query the
 * backend's last CPU and the harness's are read from /proc. Prints, per round, each side's median
 * latency and in how many of its queries its backend had run on the harness's core, then the
 * median ratio of such a query's latency to the other two sides' mean.
 *
 * --connections new-fixed | new-rotated gives every side a new connection each round, as `bench
 * gate` does, opened in the same order every round (B, A, D) or in the order the round's turns
 * rotate to; --decisions N repeats the rounds N times as separate decisions (new tables each) and
 * judges B against A in each by the statistic `bench compare` tests (mean over rounds of
 * ln(median A / median B), its t; here a round's median is the upper middle of its queries), so a per-decision offset that the rounds do not predict shows as an RMS t above
 * the ~1.07 of independent rounds. --queries unfiltered times Dify's k=4 search of the whole table.
 *
 *   npx tsx scripts/pgvector-backend-placement.ts [--dataset datasets/linux-doc-mini] [--rounds 40]
 *     [--connections one|new-fixed|new-rotated] [--queries filtered|unfiltered] [--decisions 1]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { mean, sampleVariance } from 'simple-statistics';
import { pgvectorStore } from '../src/adapters/pgvector/index.js';
import { tableName, vectorSearchStatement } from '../src/adapters/pgvector/pgvector-sql.js';
import { vectorBinary } from '../src/adapters/pgvector/pgvector-vector-param.js';
import { row } from '../src/datasets/dataset.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import { startLocalServer } from '../src/runtime/local-runtime.js';
import { roundOrder } from '../src/bench/gate/gate-order.js';
import { integerFlag } from './integer-flag.js';

const { values: flags } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'datasets/linux-doc-mini' },
    rounds: { type: 'string', default: '40' },
    connections: { type: 'string', default: 'one' },
    queries: { type: 'string', default: 'filtered' },
    decisions: { type: 'string', default: '1' },
  },
});
function bad(flag: string, expected: string): never {
  process.stderr.write(`--${flag}: expected ${expected}, got ${flags[flag as keyof typeof flags]}\n`);
  process.exit(2);
}
const ROUNDS = integerFlag('rounds', flags.rounds, 2);
const DECISIONS = integerFlag('decisions', flags.decisions, 1);
const CONNECTIONS = flags.connections as string;
if (!['one', 'new-fixed', 'new-rotated'].includes(CONNECTIONS)) bad('connections', 'one, new-fixed or new-rotated');
const FILTERED = flags.queries === 'filtered';
if (!FILTERED && flags.queries !== 'unfiltered') bad('queries', 'filtered or unfiltered');
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
interface Search {
  i: number;
  documentIds: readonly string[] | undefined;
}
const queries = dataset.queries.flatMap((q, i): Search[] => (!FILTERED ? [{ i, documentIds: undefined }] : q.document_ids ? [{ i, documentIds: q.document_ids }] : []));
if (queries.length === 0) throw new Error(`${flags.dataset}: no query has document_ids (the filtered vector searches)`);
const server = await startLocalServer('pgvector', pgvectorStore.local ?? process.exit(2));
let clients: pg.Client[] = [];
let backends: number[] = [];

/** Drops and builds the sides' tables, as a gate decision does. */
async function buildTables(): Promise<void> {
  const session = await (pgvectorStore.profiles.dify ?? process.exit(2)).createAdapter().connect(server.endpoint);
  const docs = dataset.docs.map((d, i) => ({ id: d.id, documentId: d.document_id, text: d.text, vector: row(dataset.vectors, dims, i) }));
  for (const side of SIDES) {
    await session.removeCollection(`placement_${side}`);
    const collection = await session.createCollection({ name: `placement_${side}`, dims, metric });
    for (let i = 0; i < docs.length; i += 500) await collection.insert(docs.slice(i, i + 500));
    await collection.waitUntilSearchable(docs.length);
  }
  await session.close();
}

/** Side s's search j, as the adapter sends it (the unfiltered one a named prepared statement). */
async function search(s: number, j: number): Promise<void> {
  const q = queries[j] as Search;
  const statement = vectorSearchStatement(tableName(`placement_${SIDES[s]}`), metric, vectorBinary(row(dataset.queryVectors, dims, q.i)), K, q.documentIds);
  await clients[s]?.query(q.documentIds ? statement : { ...statement, name: `search_${SIDES[s]}` });
}

/** Opens each side's connection in `order` (closing the previous ones), each with one untimed search, as the gate's freshConnection. */
async function connect(order: readonly number[]): Promise<void> {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  const next: pg.Client[] = [];
  const pids: number[] = [];
  for (const s of order) {
    const client = new pg.Client({ host: server.endpoint.host, port: server.endpoint.ports.postgres, user: 'postgres', database: 'postgres' });
    await client.connect();
    next[s] = client;
    pids[s] = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
  }
  clients = next;
  backends = pids;
  for (const s of order) await search(s, 0);
}

type Turn = Array<{ ms: number; sameCore: boolean }>;
/** One decision's rounds: per query, each side's latency and whether its backend last ran on the harness's core. */
async function decision(): Promise<Turn[]> {
  const turns: Turn[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r === 0 || CONNECTIONS !== 'one') await connect(CONNECTIONS === 'new-rotated' ? roundOrder([0, 1, 2], r) : [0, 1, 2]);
    for (let j = 0; j < queries.length; j++) {
      const turn: Turn = [];
      for (let t = 0; t < SIDES.length; t++) {
        const s = (t + r + j) % SIDES.length; // rotated as the gate rotates its sides
        const t0 = performance.now();
        await search(s, j);
        turn[s] = { ms: performance.now() - t0, sameCore: lastCpu(backends[s] as number) === lastCpu(process.pid) };
      }
      turns.push(turn);
    }
  }
  return turns;
}

const sideRound = (turns: readonly Turn[], r: number, s: number) => turns.slice(r * queries.length, (r + 1) * queries.length).map((turn) => turn[s] as Turn[number]);

try {
  /** Per decision: the mean log ratio A/B over rounds, its variance from the rounds, and its t. */
  const judged: Array<{ mean: number; variance: number; t: number }> = [];
  for (let d = 0; d < DECISIONS; d++) {
    await buildTables();
    const turns = await decision();
    if (DECISIONS === 1) {
      for (let r = 0; r < ROUNDS; r++) {
        const cells = SIDES.map((name, s) => {
          const mine = sideRound(turns, r, s);
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
    }
    const logRatios = Array.from({ length: ROUNDS }, (_, r) => Math.log(median(sideRound(turns, r, 1).map((m) => m.ms)) / median(sideRound(turns, r, 0).map((m) => m.ms))));
    const v = sampleVariance(logRatios) / ROUNDS;
    const onCore = (s: number) => turns.filter((turn) => turn[s]?.sameCore).length / turns.length;
    const m = mean(logRatios);
    const judgement = { mean: m, variance: v, t: m / Math.sqrt(v) };
    judged.push(judgement);
    if (DECISIONS > 1) {
      console.log(
        `decision ${String(d + 1).padStart(2)}: A/B ${(100 * (Math.exp(judgement.mean) - 1)).toFixed(1).padStart(5)}%  t ${judgement.t.toFixed(2).padStart(6)}` +
          `  on the harness's core: B ${(100 * onCore(0)).toFixed(0)}%, A ${(100 * onCore(1)).toFixed(0)}%, D ${(100 * onCore(2)).toFixed(0)}%`,
      );
    }
  }
  if (DECISIONS > 1) {
    const means = judged.map((j) => j.mean);
    console.log(
      `\n${DECISIONS} decisions of ${ROUNDS} rounds (${CONNECTIONS} connections, ${FILTERED ? 'filtered' : 'unfiltered'} searches): ` +
        `decision means' SD ${Math.sqrt(sampleVariance(means)).toFixed(3)}, rounds predict ${Math.sqrt(mean(judged.map((j) => j.variance))).toFixed(3)}; ` +
        `RMS t ${Math.sqrt(mean(judged.map((j) => j.t ** 2))).toFixed(2)} (about 1.07 when the rounds are independent)`,
    );
  }
} finally {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await server.stop();
}
