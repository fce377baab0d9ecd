import { z } from 'zod';
import { SEARCH_WORKLOADS } from './search-tasks.js';

/**
 * What the run (parent) and its search workers (child processes) say to each other over the IPC
 * channel; each side checks what it receives. The endpoint travels without its secret: that goes
 * in the child's environment (WORKER_SECRET_ENV), never in a message.
 */
export const WORKER_SECRET_ENV = 'VDB_BENCH_WORKER_SECRET';

const endpoint = z.object({
  host: z.string(),
  ports: z.record(z.string(), z.number().int()),
  access: z
    .object({
      tls: z.enum(['off', 'verify', 'unverified']),
      user: z.string().optional(),
      database: z.string().optional(),
      scheme: z.string().optional(),
      hasSecret: z.boolean(),
    })
    .optional(),
});

export const setupMessage = z.object({
  type: z.literal('setup'),
  store: z.string(),
  profile: z.string(),
  endpoint,
  collection: z.object({ name: z.string(), dims: z.number().int(), metric: z.enum(['cosine', 'l2', 'ip']) }),
  datasetDir: z.string(),
  /** BenchConfig, as the parent has it (its own process made it). */
  config: z.record(z.string(), z.unknown()),
  shard: z.object({ index: z.number().int(), count: z.number().int() }),
});

export const toWorker = z.discriminatedUnion('type', [
  setupMessage,
  z.object({ type: z.literal('search'), workload: z.enum(SEARCH_WORKLOADS) }),
  z.object({ type: z.literal('concurrency'), total: z.number().int().positive() }),
  z.object({ type: z.literal('close') }),
]);

export const fromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('search'), results: z.array(z.unknown()) }),
  z.object({ type: z.literal('concurrency'), result: z.unknown() }),
  z.object({
    type: z.literal('error'),
    message: z.string(),
    /** The worker's call to the store hit the per-call timeout: the parent ends the store, as its own would. */
    timeout: z.object({ seconds: z.number(), phase: z.string() }).optional(),
  }),
]);

export type SetupMessage = z.infer<typeof setupMessage>;
export type ToWorker = z.infer<typeof toWorker>;
export type FromWorker = z.infer<typeof fromWorker>;
export type WireEndpoint = z.infer<typeof endpoint>;
