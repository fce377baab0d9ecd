import type { Collection, HybridQuery, RetrievalClient, TextQuery } from '../adapters/store-adapter.js';

/** A call to the store that did not answer within the per-call timeout: the server hangs. */
export class CallTimeoutError extends Error {
  constructor(
    readonly seconds: number,
    readonly phase: string,
  ) {
    super(`timed out after ${seconds} s in ${phase}`);
    this.name = 'CallTimeoutError';
  }
}

/** Waits until the collection is searchable may take many calls: it gets this many call timeouts. */
export const SEARCHABLE_CALLS = 10;

/**
 * The bound on removing a collection. Removal is work in proportion to what the collection holds
 * (Chroma 0.5.20 took more than 60 s to drop 1M × 768 rows, after answering every search in
 * 22 ms), so one call timeout is right for a small collection and wrong at scale. Removing is not
 * expected to take longer than building the collection did: the bound is the call timeout or the
 * insert's time, whichever is longer, so a hung server still cannot hold the run forever.
 */
export function removalTimeoutSeconds(callTimeoutSeconds: number, insertSeconds: number | undefined): number {
  return Math.max(callTimeoutSeconds, Math.ceil(insertSeconds ?? 0));
}

/**
 * `call` or, after `seconds`, a CallTimeoutError naming the phase. The call itself is abandoned
 * (its rejection swallowed): the server is stopped next, which ends it.
 */
export async function withCallTimeout<T>(call: Promise<T>, seconds: number, phase: string): Promise<T> {
  call.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(seconds, phase)), seconds * 1000);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A collection whose every call is bounded, and which remembers the first call that timed out. */
export interface GuardedCollection {
  readonly collection: Collection;
  /** Set once any call timed out, even one a workload caught and counted (concurrency). */
  timedOut(): CallTimeoutError | undefined;
}

/**
 * Wraps every call of `inner` in the per-call timeout, in the phase `phase()` names when the
 * call starts. A workload that counts errors and carries on still ends the store afterwards:
 * a server that hung once cannot be trusted to measure anything more.
 */
export function guardCollection(
  inner: Collection,
  seconds: number,
  phase: () => string,
  /** The bound on `drop` (removalTimeoutSeconds), asked when the drop starts. */
  dropSeconds: () => number = () => seconds,
): GuardedCollection {
  let first: CallTimeoutError | undefined;
  const bound = <T>(call: () => Promise<T>, limit = seconds): Promise<T> =>
    withCallTimeout(call(), limit, phase()).catch((error: unknown) => {
      if (error instanceof CallTimeoutError) first ??= error;
      throw error;
    });
  const fullText = inner.searchFullText?.bind(inner);
  const hybrid = inner.searchHybrid?.bind(inner);
  const openClient = inner.openRetrievalClient?.bind(inner);
  // Dify's per-retrieval client (`--client dify`, retrieval-path.ts) passes through, its setup,
  // searches and close each bounded too: dropping it here would silently measure the pooled path.
  const openRetrievalClient = openClient
    ? async (): Promise<RetrievalClient> => {
        const client = await bound(openClient);
        const text = client.searchFullText?.bind(client);
        const both = client.searchHybrid?.bind(client);
        return {
          searchVector: (q) => bound(() => client.searchVector(q)),
          ...(text ? { searchFullText: (q: TextQuery) => bound(() => text(q)) } : {}),
          ...(both ? { searchHybrid: (q: HybridQuery) => bound(() => both(q)) } : {}),
          close: () => bound(() => client.close()),
        };
      }
    : undefined;
  const collection: Collection = {
    name: inner.name,
    insert: (batch) => bound(() => inner.insert(batch)),
    waitUntilSearchable: (expected) => bound(() => inner.waitUntilSearchable(expected), seconds * SEARCHABLE_CALLS),
    count: () => bound(() => inner.count()),
    searchVector: (q) => bound(() => inner.searchVector(q)),
    ...(fullText ? { searchFullText: (q) => bound(() => fullText(q)) } : {}),
    ...(hybrid ? { searchHybrid: (q) => bound(() => hybrid(q)) } : {}),
    delete: (sel) => bound(() => inner.delete(sel)),
    drop: () => bound(() => inner.drop(), dropSeconds()),
    ...(openRetrievalClient ? { openRetrievalClient } : {}),
  };
  return { collection, timedOut: () => first };
}
