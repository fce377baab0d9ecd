import { execFile } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { LocalRecipe } from '../../runtime/local-recipe.js';
import type {
  ReferenceClient,
  ReferenceRun,
  SelftestProbe,
  SelftestQuery,
  SelftestSession,
  ServerTiming,
} from '../selftest-probe.js';
import { parsePgbenchOutput } from './pgbench-output.js';
import { pgvectorLocalRecipe } from './pgvector-local-recipe.js';
import { tableName, vectorSearchSql } from './pgvector-sql.js';
import { vectorLiteral } from './pgvector-vector-param.js';
import { PG_BIN } from './pgvector-version.js';

const execFileAsync = promisify(execFile);
const PGBENCH = join(PG_BIN, 'pgbench');

/**
 * The local recipe with pg_stat_statements loaded (it must be in shared_preload_libraries at
 * start) and planning time tracked, so the server's own execution and planning time per query
 * can be read. Only `bench selftest` starts this; `bench run` keeps PostgreSQL's defaults.
 */
const selftestRecipe: LocalRecipe = {
  ...pgvectorLocalRecipe,
  command(ctx) {
    const base = pgvectorLocalRecipe.command(ctx);
    return {
      ...base,
      args: [...base.args, '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_planning=on'],
    };
  },
};

/**
 * The adapter's unfiltered vector query with the vector written into the text, as Dify's
 * psycopg2 sends it (client-side interpolation: the server gets one literal query): the same SQL
 * the adapter sends, `$1` replaced by the quoted literal.
 */
export function literalVectorQuery(query: SelftestQuery): string {
  const { text } = vectorSearchSql(tableName(query.collection), query.metric, query.vector, query.k, undefined);
  return text.replace('$1', `'${vectorLiteral(query.vector)}'`);
}

/** pgbench (Debian's postgresql-15) running the literal query from a script, over TCP to 127.0.0.1 as the harness. */
function pgbenchClient(endpoint: Endpoint, script: string, mode: 'simple' | 'prepared'): ReferenceClient {
  const base = ['-h', endpoint.host, '-p', String(endpoint.ports.postgres), '-U', 'postgres', '-n', '-f', script, '-M', mode];
  return {
    name: `pgbench -M ${mode}`,
    description: `${PGBENCH} ${base.join(' ')} -c <clients> -j <min(clients, cores)> -T <seconds> postgres`,
    async run(clients, seconds): Promise<ReferenceRun> {
      // pgbench's -T takes whole seconds; one thread per client up to the cores (a thread per core is pgbench's advice).
      const whole = Math.max(1, Math.round(seconds));
      const threads = Math.max(1, Math.min(clients, cpus().length));
      const args = [...base, '-c', String(clients), '-j', String(threads), '-T', String(whole), 'postgres'];
      const { stdout } = await execFileAsync(PGBENCH, args, { timeout: (whole + 60) * 1000, maxBuffer: 16 * 2 ** 20 }).catch(
        (error: Error & { stderr?: string }) => {
          throw new Error(`pgbench -M ${mode} -c ${clients} failed: ${(error.stderr ?? error.message).trim().split('\n').slice(-3).join(' | ')}`);
        },
      );
      const s = parsePgbenchOutput(stdout);
      return { clients, seconds: whole, requests: s.transactions, failed: s.failed, qps: s.tps, meanLatencyMs: s.latencyAverageMs };
    },
  };
}

/** pg_stat_statements' figures for the selftest's query on its table (literal or parameterised). */
function statementTiming(client: pg.Client, table: string): ServerTiming {
  return {
    source: 'pg_stat_statements (total_exec_time, total_plan_time with track_planning=on)',
    async reset() {
      await client.query('SELECT pg_stat_statements_reset()');
    },
    async read() {
      const { rows } = await client.query<{ calls: number | null; exec: number | null; plan: number | null }>(
        `SELECT sum(calls)::float8 AS calls, sum(total_exec_time) AS exec, sum(total_plan_time) AS plan
           FROM pg_stat_statements WHERE query LIKE $1`,
        [`SELECT meta, text, embedding % FROM ${table} ORDER BY distance LIMIT %`],
      );
      const r = rows[0];
      if (!r?.calls) return undefined;
      return { calls: r.calls, meanExecMs: (r.exec ?? 0) / r.calls, meanPlanMs: (r.plan ?? 0) / r.calls };
    },
  };
}

/** pgvector's selftest: pgbench in simple and prepared mode, and pg_stat_statements. */
export const pgvectorSelftest: SelftestProbe = {
  localRecipe: selftestRecipe,
  async open(endpoint: Endpoint, query: SelftestQuery): Promise<SelftestSession> {
    await access(PGBENCH).catch(() => {
      throw new Error(`pgvector selftest: ${PGBENCH} is not installed; run ${pgvectorLocalRecipe.installScript}`);
    });
    const sql = literalVectorQuery(query);
    const dir = await mkdtemp(join(tmpdir(), 'vdb-bench-pgbench-'));
    const script = join(dir, 'query.sql');
    await writeFile(script, `${sql};\n`);
    const client = new pg.Client({ host: endpoint.host, port: endpoint.ports.postgres, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    } catch (error) {
      await client.end().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return {
      referenceClients: [pgbenchClient(endpoint, script, 'simple'), pgbenchClient(endpoint, script, 'prepared')],
      serverTiming: statementTiming(client, tableName(query.collection)),
      notes: [
        `pgbench's script is the adapter's query with the vector as a literal (as Dify's psycopg2 interpolates it): ${sql.replace(/'\[[^\]]*\]'/, "'[…]'")}`,
        'pg_stat_statements is preloaded (shared_preload_libraries) with track_planning=on for the selftest only; every client runs against it.',
      ],
      async close() {
        await client.end().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};
