import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/**
 * The dataset format is specified beside the project (../shared/DATASET_FORMAT.md), which a clone
 * from GitHub does not have; datasets/FORMAT.md is the copy the README links to, kept equal here.
 */
describe('datasets/FORMAT.md', () => {
  it('is the shared dataset format specification, unchanged', async () => {
    const copy = await readFile(new URL('../../datasets/FORMAT.md', import.meta.url), 'utf8');
    const spec = await readFile(new URL('../../../shared/DATASET_FORMAT.md', import.meta.url), 'utf8');
    expect(copy).toBe(spec);
  });
});
