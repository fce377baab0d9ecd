import { describe, expect, it } from 'vitest';
import type { Collection } from '../../src/adapters/store-adapter.js';
import { CallTimeoutError, guardCollection, withCallTimeout } from '../../src/bench/call-timeout.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('per-call timeout', () => {
  it('passes an answer through and fires on silence, naming the seconds and the phase', async () => {
    expect(await withCallTimeout(Promise.resolve(7), 0.05, 'search')).toBe(7);
    const error = await withCallTimeout(never(), 0.05, 'insert').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect((error as Error).message).toBe('timed out after 0.05 s in insert');
  });

  it('a guarded collection remembers the first timeout even when the caller swallowed it', async () => {
    // Not a store: a stand-in whose search never answers, to test the guard's own bookkeeping.
    const silent: Collection = {
      name: 'silent',
      insert: async () => undefined,
      waitUntilSearchable: async () => undefined,
      count: async () => 3,
      searchVector: () => never(),
      delete: async () => undefined,
      drop: async () => undefined,
    };
    let phase = 'insert';
    const guarded = guardCollection(silent, 0.05, () => phase);
    expect(await guarded.collection.count()).toBe(3);
    expect(guarded.timedOut()).toBeUndefined();
    expect(guarded.collection.searchFullText).toBeUndefined();
    phase = 'concurrent';
    await guarded.collection.searchVector({ vector: new Float32Array(2), k: 4 }).catch(() => undefined);
    expect(guarded.timedOut()?.message).toBe('timed out after 0.05 s in concurrent');
  });

  it("keeps Dify's per-retrieval client (--client dify) and bounds its setup, search and close", async () => {
    // Not a store: a stand-in whose retrieval client's search never answers.
    let opened = 0;
    const inner: Collection = {
      name: 'per-retrieval',
      insert: async () => undefined,
      waitUntilSearchable: async () => undefined,
      count: async () => 0,
      searchVector: async () => [],
      delete: async () => undefined,
      drop: async () => undefined,
      openRetrievalClient: async () => {
        opened += 1;
        return { searchVector: () => never(), close: async () => undefined };
      },
    };
    const guarded = guardCollection(inner, 0.05, () => 'search');
    const client = await guarded.collection.openRetrievalClient?.();
    expect(opened).toBe(1);
    expect(client?.searchFullText).toBeUndefined();
    const error = await client?.searchVector({ vector: new Float32Array(2), k: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(guarded.timedOut()?.message).toBe('timed out after 0.05 s in search');
  });
});
