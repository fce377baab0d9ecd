import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/bench/results/results-file.js';

/** Published results stay readable: a schema change must accept every example already shipped. */
const DIR = new URL('../../results/examples/', import.meta.url);
const published = await readdir(DIR);
const files = published.filter((f) => f.endsWith('.json'));
// Where this machine's checkouts, installs and servers' data dirs live: none may be published
// (writeResults and the reports rewrite them; see src/runtime/machine-paths.ts).
const MACHINE_PATH = /(?:^|[\s"'`=(])\/(?:tmp|work|home|root)\/[^\s"'`)]*/m;

describe('results/examples', () => {
  it('has examples to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s validates against the results schema', async (file) => {
    const results = await readResults(new URL(file, DIR).pathname);
    expect(results.stores.length).toBeGreaterThan(0);
  });

  it.each(published.filter((f) => /\.(json|md|html|svg)$/.test(f)))('%s names no machine path', async (file) => {
    const text = await readFile(new URL(file, DIR), 'utf8');
    expect(text.match(MACHINE_PATH)?.[0]).toBeUndefined();
  });
});
