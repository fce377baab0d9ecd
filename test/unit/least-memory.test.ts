import { describe, expect, it } from 'vitest';
import { findLeastMemory } from '../../src/bench/least-memory.js';

const MiB = 2 ** 20;
const needs = (threshold: number) => async (limitBytes: number) => ({ limitBytes, survived: limitBytes >= threshold });

describe('findLeastMemory', () => {
  it('bisects on a log scale to the requested resolution', async () => {
    const r = await findLeastMemory(needs(300 * MiB), { minBytes: 64 * MiB, maxBytes: 4096 * MiB, resolution: 0.1, maxProbes: 20 });
    // Geometric midpoints, rounded to MiB: √(64·4096) = 512, √(64·512) = 181, √(181·512) = 304, …
    expect(r.probes.map((p) => p.limitBytes / MiB)).toEqual([4096, 64, 512, 181, 304, 235, 267, 285]);
    // 304 / 285 < 1.1: within the resolution, so the answer is "between 285 and 304 MiB".
    expect(r.leastBytes).toBe(304 * MiB);
    expect(r.failedBytes).toBe(285 * MiB);
  });

  it('stops at maxProbes with the bracket it has', async () => {
    const r = await findLeastMemory(needs(300 * MiB), { minBytes: 64 * MiB, maxBytes: 4096 * MiB, resolution: 0.01, maxProbes: 4 });
    expect(r.probes).toHaveLength(4);
    expect([r.failedBytes, r.leastBytes]).toEqual([181 * MiB, 512 * MiB]);
  });

  it('reports the minimum when even that survives, and nothing when the maximum fails', async () => {
    expect((await findLeastMemory(needs(0), { minBytes: 64 * MiB, maxBytes: 1024 * MiB, resolution: 0.1, maxProbes: 10 })).leastBytes).toBe(64 * MiB);
    const none = await findLeastMemory(needs(2048 * MiB), { minBytes: 64 * MiB, maxBytes: 1024 * MiB, resolution: 0.1, maxProbes: 10 });
    expect(none.leastBytes).toBeUndefined();
    expect(none.probes).toHaveLength(1);
  });
});
