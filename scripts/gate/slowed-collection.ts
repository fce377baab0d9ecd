import type { Collection, Hit } from '../../src/adapters/store-adapter.js';

/**
 * `collection` with every search made `slowdown` slower as the caller times it: each search call,
 * once the store has answered, is held for `slowdown` × the time the call took before it returns.
 * The hold is real time inside the harness's clock (results are never edited), and it is a
 * fraction of the latency the gate judges, client work included, which a delay at the network
 * (scripts/gate/delay-proxy.ts) cannot be: a proxy sees only the server's part of a query.
 *
 * The hold yields to the event loop while it waits (a setImmediate loop, not a busy wait and not
 * a timer): Dify's hybrid sends its vector and full-text searches at once, and their holds must
 * overlap as their calls do, or the second would wait out the first's hold and be slowed twice.
 * Timers are too coarse (a millisecond) for searches that take a few.
 */
export function slowedCollection(collection: Collection, slowdown: number): Collection {
  if (!(slowdown >= 0 && slowdown <= 1)) throw new Error(`slowed collection: slowdown must be in [0, 1], got ${slowdown}`);
  const slowed = <Q>(search: (q: Q) => Promise<Hit[]>) => async (q: Q): Promise<Hit[]> => {
    const start = process.hrtime.bigint();
    const hits = await search(q);
    const took = process.hrtime.bigint() - start;
    await holdUntil(process.hrtime.bigint() + BigInt(Math.round(Number(took) * slowdown)));
    return hits;
  };
  // Every other member delegates unchanged: only searches are judged. (No per-retrieval client:
  // the gate searches the pooled collection.)
  return {
    name: collection.name,
    insert: (batch) => collection.insert(batch),
    waitUntilSearchable: (expected) => collection.waitUntilSearchable(expected),
    count: () => collection.count(),
    delete: (selector) => collection.delete(selector),
    drop: () => collection.drop(),
    searchVector: slowed(collection.searchVector.bind(collection)),
    ...(collection.searchFullText ? { searchFullText: slowed(collection.searchFullText.bind(collection)) } : {}),
    ...(collection.searchHybrid ? { searchHybrid: slowed(collection.searchHybrid.bind(collection)) } : {}),
  };
}

/** Resolves at `until` (hrtime ns), letting other callbacks run meanwhile. */
export async function holdUntil(until: bigint): Promise<void> {
  while (process.hrtime.bigint() < until) await new Promise<void>((resolve) => setImmediate(resolve));
}
