import { describe, expect, it } from 'vitest';
import type { Collection, Hit } from '../../src/adapters/store-adapter.js';
import { slowedCollection } from '../../scripts/gate/slowed-collection.js';

/** A collection whose searches answer after `ms`; nothing else is called. */
function answeringAfter(ms: number): Collection {
  const after = (): Promise<Hit[]> => new Promise((r) => setTimeout(() => r([{ id: 'a', score: 1 }]), ms));
  const unused = (): Promise<never> => Promise.reject(new Error('not used'));
  return { name: 'c', insert: unused, waitUntilSearchable: unused, count: unused, delete: unused, drop: unused, searchVector: after, searchFullText: after };
}

async function took(call: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

describe('slowed collection (the slowdown measure-gate injects in the timed path)', () => {
  it('answers as the collection does, a lower bound of the fraction later (never a speed target)', async () => {
    const c = slowedCollection(answeringAfter(100), 0.5);
    expect(await c.searchVector({ vector: new Float32Array(2), k: 1 })).toEqual([{ id: 'a', score: 1 }]);
    // Answered at ≥ 100 ms, held half of that: ≥ 150 ms.
    expect(await took(() => c.searchVector({ vector: new Float32Array(2), k: 1 }))).toBeGreaterThanOrEqual(150);
    expect(c.searchHybrid).toBeUndefined();
  });

  it('holds two searches sent at once side by side, not one after the other (Dify hybrid)', async () => {
    const c = slowedCollection(answeringAfter(100), 1);
    const both = await took(() => Promise.all([c.searchVector({ vector: new Float32Array(2), k: 1 }), c.searchFullText?.({ text: 'x', k: 1 })]));
    // Each answered at 100 ms and held 100 ms: 200 ms together; one hold after the other would be 300 ms.
    expect(both).toBeGreaterThanOrEqual(200);
    expect(both).toBeLessThan(280);
  });

  it('refuses a slowdown outside [0, 1]', () => {
    expect(() => slowedCollection(answeringAfter(1), 2)).toThrow('slowed collection: slowdown must be in [0, 1], got 2');
  });
});
