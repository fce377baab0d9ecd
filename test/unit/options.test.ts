import { describe, expect, it } from 'vitest';
import { byteSize, intList, positiveInt } from '../../src/cli/parse-options.js';
import { summarizeMemory } from '../../src/bench/memory-sampler.js';
import { parseMemoryLimits } from '../../src/cli/server-options.js';

describe('flag parsers', () => {
  it('parse sizes in binary units', () => {
    const parse = byteSize('--memory-limit');
    expect(parse('512m')).toBe(512 * 2 ** 20);
    expect(parse('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parse('2g')).toBe(2 * 2 ** 30);
    expect(() => parse('lots')).toThrow('--memory-limit: "lots" is not a size like 512m or 2g');
  });

  it('name the flag in errors', () => {
    expect(intList('--k')('4,10')).toEqual([4, 10]);
    expect(() => intList('--k')('4,x')).toThrow('--k: "x" is not a positive integer');
    expect(() => positiveInt('--batch-size')('0')).toThrow('--batch-size: "0" is not a positive integer');
  });
});

describe('summarizeMemory', () => {
  it('gives min, mean and max per phase', () => {
    const m = summarizeMemory('test', 250, [
      [0, 100, 'idle'],
      [250, 200, 'idle'],
      [500, 1000, 'insert'],
      [750, 3001, 'insert'],
    ]);
    expect(m.phases).toEqual({
      idle: { samples: 2, minBytes: 100, meanBytes: 150, maxBytes: 200 },
      insert: { samples: 2, minBytes: 1000, meanBytes: 2001, maxBytes: 3001 },
    });
    expect(m.series).toHaveLength(4);
  });
});

describe('parseMemoryLimits', () => {
  const size = byteSize('--memory-limit');

  it('takes one size for every store, or a size per store (aliases resolved)', () => {
    expect(parseMemoryLimits('1g', size)).toEqual(new Map([['*', 2 ** 30]]));
    expect(parseMemoryLimits('chroma=512m,seekdb=2g', size)).toEqual(
      new Map([
        ['chroma', 512 * 2 ** 20],
        ['oceanbase', 2 * 2 ** 30],
      ]),
    );
    expect(parseMemoryLimits(undefined, size).size).toBe(0);
  });

  it('names the flag and the bad part', () => {
    expect(() => parseMemoryLimits('milvus=1g', size)).toThrow('--memory-limit: unknown store "milvus"');
    expect(() => parseMemoryLimits('chroma=lots', size)).toThrow('--memory-limit: "lots" is not a size like 512m or 2g');
  });
});
