import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { selectStores, type StoreSelection } from '../../adapters/registry.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { SearchResult } from '../results/results-schema.js';
import type { WorkloadContext } from '../workloads/workload-context.js';
import { runSearchWorkload, type SearchWorkload } from '../workers/search-tasks.js';

/**
 * One side of a gate comparison: a checkout's adapters (what it asks the server and how) and its
 * search workloads (how it times and scores them). The gate runs every side in this process
 * against the same server, so what differs between two sides is their code, not the machine's
 * state at the time each ran.
 */
export interface GateSide {
  /** Names the side's results files: base-01.json, head-01.json, ... */
  readonly name: string;
  /** Where the code came from, for messages. */
  readonly origin: string;
  readonly selectStores: (list: string) => StoreSelection[];
  readonly runSearchWorkload: (ctx: WorkloadContext, workload: SearchWorkload) => Promise<SearchResult[]>;
  /** Puts something between this side's client and the server (the gate's measured slowdown). */
  readonly route?: (endpoint: Endpoint) => Promise<Endpoint>;
}

/** This checkout's code: the head side of a gate, and every side of `scripts/measure-gate.ts`. */
export function thisCheckout(name: string): GateSide {
  return { name, origin: 'this checkout', selectStores: (list) => selectStores(list), runSearchWorkload };
}

/** A gate comparison that cannot be made: the base checkout cannot be driven by this one. */
export class NotComparableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotComparableError';
  }
}

const REGISTRY = 'src/adapters/registry.ts';
const SEARCH_TASKS = 'src/bench/workers/search-tasks.ts';

/**
 * Another checkout's adapters and search workloads, loaded into this process (tsx compiles them
 * as it does this checkout's; their packages resolve from that checkout's node_modules). A
 * checkout that lacks either module or exports something else is not comparable: the error
 * names the file.
 */
export async function loadCheckout(name: string, root: string): Promise<GateSide> {
  const dir = resolve(root);
  const load = async (file: string): Promise<Record<string, unknown>> => {
    const path = join(dir, file);
    await access(path).catch(() => {
      throw new NotComparableError(`${path}: missing (is ${dir} a vdb-bench checkout with \`npm ci\` done?)`);
    });
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  };
  const registry = await load(REGISTRY);
  const tasks = await load(SEARCH_TASKS);
  const select = registry.selectStores;
  const run = tasks.runSearchWorkload;
  if (typeof select !== 'function') throw new NotComparableError(`${join(dir, REGISTRY)}: exports no selectStores function`);
  if (typeof run !== 'function') throw new NotComparableError(`${join(dir, SEARCH_TASKS)}: exports no runSearchWorkload function`);
  return {
    name,
    origin: dir,
    // The other checkout's types are this one's as long as the contract held; a change to it
    // shows up as a failed store, which the comparison reports.
    selectStores: (list) => select(list) as StoreSelection[],
    runSearchWorkload: (ctx, workload) => run(ctx, workload) as Promise<SearchResult[]>,
  };
}
