import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resultsJsonSchema } from '../../src/bench/results/results-json-schema.js';

describe('results/schema.json', () => {
  it('is the JSON Schema generated from the zod schema (run `npm run schema` after a change)', async () => {
    const committed = JSON.parse(await readFile(new URL('../../results/schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(resultsJsonSchema());
  });
});
