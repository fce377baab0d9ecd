import { describe, expect, it } from 'vitest';
import { MemorySampler } from '../../src/bench/memory-sampler.js';
import type { MemoryProbe } from '../../src/runtime/memory-probe.js';

/** A probe whose reads take 50 ms, like a docker stats call, returning 1, 2, 3, … */
function slowCounter(): MemoryProbe {
  let n = 0;
  return {
    method: 'counter',
    read: () => new Promise((resolve) => setTimeout(() => resolve(++n), 50)),
  };
}

describe('MemorySampler', () => {
  it('gives every phase a sample of its own even when reads are slower than the phases', async () => {
    const sampler = new MemorySampler(slowCounter(), 10_000);
    sampler.start(); // read 1, in flight, belongs to idle
    await sampler.enter('insert'); // waits for read 1, then read 2
    await sampler.enter('delete'); // read 3
    const m = await sampler.stop(); // read 4, still delete
    expect(m.series.map(([, bytes, phase]) => [bytes, phase])).toEqual([
      [1, 'idle'],
      [2, 'insert'],
      [3, 'delete'],
      [4, 'delete'],
    ]);
  });
});
