import { describe, expect, it } from 'vitest';
import type { Collection, Hit } from '../../src/adapters/store-adapter.js';
import { slowedCollection } from '../../scripts/gate/slowed-collection.js';
import { afterAtLeast } from './fixtures/at-least.js';

/** When a search of the stand-in collection was called and answered (hrtime ns), by the id of its one hit. */
type Answers = Map<string, { called: bigint; answered: bigint }>;

/** A collection whose searches answer after at least `ms` by hrtime, each with a hit of its own id; nothing else is called. */
function answeringAfter(ms: number, answers: Answers = new Map()): Collection {
  let calls = 0;
  const after = async (): Promise<Hit[]> => {
    const id = `call-${++calls}`;
    const called = process.hrtime.bigint();
    await afterAtLeast(ms);
    answers.set(id, { called, answered: process.hrtime.bigint() });
    return [{ id, score: 1 }];
  };
  const unused = (): Promise<never> => Promise.reject(new Error('not used'));
  return { name: 'c', insert: unused, waitUntilSearchable: unused, count: unused, delete: unused, drop: unused, searchVector: after, searchFullText: after };
}

/** The slowed call's one hit id and when the call returned to its caller (hrtime ns). */
async function returned(search: Promise<Hit[]>): Promise<{ id: string; returned: bigint }> {
  const hits = await search;
  return { id: hits[0]!.id, returned: process.hrtime.bigint() };
}

// Every time below is on one monotonic clock, so the checks are exact orderings, never speed targets.
describe('slowed collection (the slowdown measure-gate injects in the timed path)', () => {
  it('answers as the collection does, then holds at least the fraction of the time the search took', async () => {
    const answers: Answers = new Map();
    const c = slowedCollection(answeringAfter(20, answers), 0.5);
    expect(await c.searchVector({ vector: new Float32Array(2), k: 1 })).toEqual([{ id: 'call-1', score: 1 }]);
    const { id, returned: back } = await returned(c.searchVector({ vector: new Float32Array(2), k: 1 }));
    const { called, answered } = answers.get(id)!;
    // The wrapper's own timing contains the stand-in's call-to-answer time, so its hold is at least half that.
    expect(Number(back - answered)).toBeGreaterThanOrEqual(0.5 * Number(answered - called));
    expect(c.searchHybrid).toBeUndefined();
  });

  it('holds two searches sent at once side by side, not one after the other (Dify hybrid)', async () => {
    const answers: Answers = new Map();
    const c = slowedCollection(answeringAfter(20, answers), 1);
    const both = await Promise.all([returned(c.searchVector({ vector: new Float32Array(2), k: 1 })), returned(c.searchFullText!({ text: 'x', k: 1 }))]);
    const spans = both.map(({ id, returned: back }) => ({ ...answers.get(id)!, returned: back }));
    for (const { called, answered, returned: back } of spans) expect(Number(back - answered)).toBeGreaterThanOrEqual(Number(answered - called));
    // Side by side, each search is answered before the other's hold ends. Held one after the other
    // (or by a busy wait), the second would be answered only after the first had returned.
    const [a, b] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect(b.answered < a.returned && a.answered < b.returned).toBe(true);
  });

  it('refuses a slowdown outside [0, 1]', () => {
    expect(() => slowedCollection(answeringAfter(1), 2)).toThrow('slowed collection: slowdown must be in [0, 1], got 2');
  });
});
