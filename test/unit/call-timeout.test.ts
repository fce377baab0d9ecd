import { describe, expect, it } from 'vitest';
import type { Collection } from '../../src/adapters/store-adapter.js';
import { CallTimeoutError, guardCollection, removalTimeoutSeconds, withCallTimeout } from '../../src/bench/call-timeout.js';

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

  it('bounds removing a collection by the call timeout or the time its insert took, whichever is longer', () => {
    expect(removalTimeoutSeconds(60, undefined)).toBe(60);
    expect(removalTimeoutSeconds(60, 2.3)).toBe(60);
    // Chroma's 1M x 768 insert: 3860.7 s.
    expect(removalTimeoutSeconds(60, 3860.7)).toBe(3861);
  });

  it("gives drop its own bound, asked when the drop starts", async () => {
    // Not a store: a stand-in whose drop answers after 0.1 s, longer than the 0.05 s call timeout.
    const slowDrop: Collection = {
      name: 'slow-drop',
      insert: async () => undefined,
      waitUntilSearchable: async () => undefined,
      count: async () => 0,
      searchVector: async () => [],
      delete: async () => undefined,
      drop: () => new Promise<void>((resolve) => setTimeout(resolve, 100)),
    };
    let dropSeconds = 0.05;
    const guarded = guardCollection(slowDrop, 0.05, () => 'drop', () => dropSeconds);
    const error = await guarded.collection.drop().catch((e: unknown) => e);
    expect((error as Error).message).toBe('timed out after 0.05 s in drop');
    dropSeconds = 1;
    await expect(guarded.collection.drop()).resolves.toBeUndefined();
  });
});
