import type { Endpoint } from '../runtime/endpoint.js';
import type { LocalRecipe } from '../runtime/local-recipe.js';
import type { Metric } from './store-adapter.js';
import type { ClosedLoopRun } from '../runtime/replay/closed-loop.js';

/**
 * What `bench selftest` needs from a store beyond its adapter: a client that is not the harness
 * (pgbench, a raw HTTP loop) sending the same request, and where the server can say how long it
 * spent on it. The harness side is the store's ordinary adapter, so the selftest measures exactly
 * what `bench run` measures.
 */

/** The one query every client of a selftest sends. */
export interface SelftestQuery {
  /** The CollectionSpec name the harness created (the adapter maps it to its table). */
  readonly collection: string;
  readonly metric: Metric;
  readonly vector: Float32Array;
  readonly k: number;
}

/** What a reference client measured at one client count: a closed loop's figures (pgbench's too). */
export type ReferenceRun = ClosedLoopRun;

/** A minimal client outside the harness sending the same request. */
export interface ReferenceClient {
  /** Short, e.g. "pgbench -M simple". */
  readonly name: string;
  /** The command line (or equivalent), for the results file. */
  readonly description: string;
  run(clients: number, seconds: number): Promise<ReferenceRun>;
}

/** The server's own time for the selftest's query, as the server measured it. */
export interface ServerQueryTime {
  readonly calls: number;
  /** Mean execution time per call, ms. */
  readonly meanExecMs: number;
  /** Mean planning time per call, ms (0 when a cached plan ran). */
  readonly meanPlanMs: number;
}

export interface ServerTiming {
  /** Where the figures come from, e.g. "pg_stat_statements". */
  readonly source: string;
  reset(): Promise<void>;
  /** Since the last reset; undefined when the server saw no such query. */
  read(): Promise<ServerQueryTime | undefined>;
}

/**
 * The harness's own adapter (the selected profile, a session of its own) reaching the server
 * through `endpoint`, e.g. a recording proxy in front of it: a probe that replays the adapter's
 * requests captures them from this, so the reference sends what the harness sends.
 */
export type HarnessVia = (endpoint: Endpoint) => Promise<HarnessSearch>;

export interface HarnessSearch {
  /** One searchVector of the selftest query on the selftest collection; the hit ids, best first. */
  search(): Promise<readonly string[]>;
  close(): Promise<void>;
}

/** What a replaying probe checked once before timing: the reference got the adapter's answer. */
export interface AnswerCheck {
  /** The ids in the server's answer (to the adapter's request and to the replay alike), in its order. */
  readonly ids: readonly string[];
  /** The adapter's hits (after its own score rule), a subsequence of `ids`. */
  readonly adapterHits: readonly string[];
  /** HTTP/gRPC requests the adapter sends per query, all replayed in order. */
  readonly requestsPerQuery: number;
}

export interface SelftestSession {
  readonly referenceClients: readonly ReferenceClient[];
  readonly serverTiming?: ServerTiming;
  /** Present where the reference replays the adapter's captured requests. */
  readonly answerCheck?: AnswerCheck;
  /** What a reader should know: the exact query text, settings the probe changed. */
  readonly notes: readonly string[];
  close(): Promise<void>;
}

export interface SelftestProbe {
  /** The store's local recipe plus what the probe needs on the server (e.g. pg_stat_statements). */
  readonly localRecipe: LocalRecipe;
  open(endpoint: Endpoint, query: SelftestQuery, harness: HarnessVia): Promise<SelftestSession>;
}
