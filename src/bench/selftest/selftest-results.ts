import { z } from 'zod';

/**
 * The file `bench selftest` writes: per level (serial, then each client count) the harness's
 * figures and each reference client's on the same server, table and query. Its own schema, not a
 * `bench run` results file: it measures the harness, not the stores.
 */
export const SELFTEST_SCHEMA_VERSION = 1;

const serverTime = z
  .object({ calls: z.number(), meanExecMs: z.number(), meanPlanMs: z.number() })
  .describe("the server's own time for the query over the pass (e.g. pg_stat_statements)");

const measured = {
  seconds: z.number(),
  requests: z.number().int(),
  failed: z.number().int(),
  qps: z.number(),
  meanMs: z.number(),
  server: serverTime.optional(),
  roundsQps: z.array(z.number()).optional().describe('QPS of every round; the figures beside it are the median round'),
};

export const selftestRowSchema = z.object({
  clients: z.number().int(),
  serial: z.boolean().describe("true: the harness's serial search loop (bench run's vector workload); false: its closed-loop concurrency workload"),
  harness: z.object({
    ...measured,
    p50Ms: z.number(),
    p99Ms: z.number(),
    clientCpu: z.object({ userMs: z.number(), systemMs: z.number(), perRequestUs: z.number(), coreFraction: z.number() }),
  }),
  references: z.array(z.object({ name: z.string(), ...measured })),
});

export const selftestResultsSchema = z.object({
  kind: z.literal('vdb-bench selftest'),
  schemaVersion: z.literal(SELFTEST_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('vdb-bench'), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  machine: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.number())])),
  store: z.string(),
  profile: z.string(),
  server: z.object({
    version: z.string(),
    description: z.string(),
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  table: z.object({ rows: z.number().int(), dims: z.number().int(), metric: z.string(), k: z.number().int(), seed: z.number().int() }),
  secondsPerLevel: z.number(),
  rounds: z.number().int().optional().describe('rounds per level, in a rotating order; each figure is its median round'),
  serialQueries: z.number().int(),
  warmupQueries: z.number().int(),
  referenceClients: z.array(z.object({ name: z.string(), description: z.string() })),
  serverTimingSource: z.string().optional(),
  answerCheck: z
    .object({ ids: z.array(z.string()), adapterHits: z.array(z.string()), requestsPerQuery: z.number().int() })
    .optional()
    .describe("a replaying reference's answer, checked once before timing: the server's ids for the adapter's request and the replay's (equal), the adapter's hits among them"),
  notes: z.array(z.string()),
  rows: z.array(selftestRowSchema),
});

export type SelftestResults = z.infer<typeof selftestResultsSchema>;
export type SelftestRow = z.infer<typeof selftestRowSchema>;
