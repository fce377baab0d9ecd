import { selectProfile, findStore } from '../../adapters/registry.js';
import type { Collection, StoreSession } from '../../adapters/store-adapter.js';
import { readDataset } from '../../datasets/read-dataset.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import { Secret, redact } from '../../runtime/secret.js';
import type { BenchConfig } from '../bench-config.js';
import { silentProgress } from '../progress.js';
import { searchResultSchema, concurrencyResultSchema } from '../results/results-schema.js';
import type { WorkloadContext } from '../workloads/workload-context.js';
import { CallTimeoutError, guardCollection, withCallTimeout, type GuardedCollection } from '../call-timeout.js';
import { retrievalPath } from '../workloads/retrieval-path.js';
import { runConcurrencyShare, runSearchWorkload } from './search-tasks.js';
import { shardDataset } from './shards.js';
import { WORKER_SECRET_ENV, toWorker, type FromWorker, type SetupMessage, type WireEndpoint } from './worker-messages.js';

/**
 * A search worker: a child process of `bench run --workers N` that opens its own session to the
 * server, a handle on the run's collection (created and filled by the parent), and runs the
 * workloads it is sent on its share of the queries, one message at a time. It never creates data
 * or drops anything; it ends when told to close or when the parent goes away.
 */
const secretValue = process.env[WORKER_SECRET_ENV];
delete process.env[WORKER_SECRET_ENV];

let session: StoreSession | undefined;
let ctx: WorkloadContext | undefined;
let guarded: GuardedCollection | undefined;
let phase = 'connect';
let shard = { index: 0, count: 1 };

function send(message: FromWorker): void {
  process.send?.(message);
}

function endpointOf(wire: WireEndpoint): Endpoint {
  if (!wire.access) return { host: wire.host, ports: wire.ports };
  const { hasSecret, ...access } = wire.access;
  return {
    host: wire.host,
    ports: wire.ports,
    access: { ...access, ...(hasSecret && secretValue !== undefined ? { secret: new Secret(secretValue) } : {}) },
  };
}

async function setup(m: SetupMessage): Promise<void> {
  const definition = findStore(m.store);
  if (!definition) throw new Error(`unknown store ${m.store}`);
  const { profile } = selectProfile(definition, m.profile, 'worker');
  const full = await readDataset(m.datasetDir);
  const config = m.config as unknown as BenchConfig;
  // As in the parent (run-store.ts): every store call bounded by the per-call timeout, and the
  // searches through Dify's per-retrieval client in `--client dify`.
  const seconds = config.callTimeoutSeconds;
  session = await withCallTimeout(profile.createAdapter().connect(endpointOf(m.endpoint)), seconds, 'connect');
  // The parent created the collection; a Dify create on an existing one only opens it.
  const opened: Collection = await withCallTimeout(session.createCollection(m.collection), seconds, 'connect');
  guarded = guardCollection(opened, seconds, () => phase);
  ctx = {
    store: definition.name,
    capabilities: session.capabilities,
    collection: retrievalPath(guarded.collection, config.clientMode),
    dataset: shardDataset(full, m.shard),
    config,
    progress: silentProgress,
  };
  shard = m.shard;
}

async function handle(raw: unknown): Promise<void> {
  const parsed = toWorker.safeParse(raw);
  if (!parsed.success) return send({ type: 'error', message: `bad message: ${parsed.error.issues[0]?.message}` });
  const m = parsed.data;
  try {
    if (m.type === 'setup') {
      await setup(m);
      return send({ type: 'ready' });
    }
    if (m.type === 'close') {
      // Bounded as the parent's close: a session on a hung server may never end.
      if (session) await withCallTimeout(session.close(), 5, 'close').catch(() => undefined);
      process.exit(0);
    }
    if (!ctx) throw new Error('not set up');
    // The phases the parent names (run-store.ts), for a timeout's message.
    phase = m.type === 'search' ? 'search' : 'concurrent';
    if (m.type === 'search') {
      const results = await runSearchWorkload(ctx, m.workload);
      // A timeout a workload swallowed still ends the store (the parent ends it on this answer).
      if (!sendTimeout()) send({ type: 'search', results: results.map((r) => searchResultSchema.parse(r)) });
      return;
    }
    const result = await runConcurrencyShare(ctx, m.total, shard);
    if (!sendTimeout()) send({ type: 'concurrency', result: concurrencyResultSchema.parse(result) });
  } catch (error) {
    if (sendTimeout(error)) return;
    send({ type: 'error', message: redact(error instanceof Error ? error.message : String(error)) });
  }
}

/** Answers with the first call that timed out, if one did (here or as `error`): true when sent. */
function sendTimeout(error?: unknown): boolean {
  const hung = guarded?.timedOut() ?? (error instanceof CallTimeoutError ? error : undefined);
  if (!hung) return false;
  send({ type: 'error', message: hung.message, timeout: { seconds: hung.seconds, phase: hung.phase } });
  return true;
}

// One message at a time, in order: the parent waits for each answer before the next.
let queue = Promise.resolve();
process.on('message', (raw: unknown) => {
  queue = queue.then(() => handle(raw));
});
process.on('disconnect', () => process.exit(0));
