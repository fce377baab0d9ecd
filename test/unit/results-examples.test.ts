import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/bench/results/results-file.js';

/** Published results stay readable: a schema change must accept every example already shipped. */
const DIR = new URL('../../results/examples/', import.meta.url);
const files = (await readdir(DIR)).filter((f) => f.endsWith('.json'));

describe('results/examples', () => {
  it('has examples to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s validates against the results schema', async (file) => {
    const results = await readResults(new URL(file, DIR).pathname);
    expect(results.stores.length).toBeGreaterThan(0);
  });
});
