import { describe, expect, it } from 'vitest';
import { resultsSchema, type Results } from '../../src/bench/results/results-schema.js';
import { renderMarkdown } from '../../src/report/markdown-report.js';
import { kbResults } from './fixtures/knowledge-bases-fixture.js';
import { results as runResults } from './fixtures/results-fixture.js';

describe('renderMarkdown: knowledge bases', () => {
  const md = renderMarkdown(kbResults);
  const lines = md.split('\n');

  it('the fixture is a valid results file', () => {
    expect(resultsSchema.safeParse(kbResults).success).toBe(true);
  });

  it('renders a `bench kb` file as the knowledge-base tables and the environment only', () => {
    expect(md).not.toContain('## Insert');
    expect(md).not.toContain('## Memory');
    const headings = lines.filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## Knowledge bases (N collections × 200 docs, one fresh server per N)', '## Environment']);
  });

  it('gives idle / search-peak MiB per N, with the empty server first and the failing N marked', () => {
    const from = lines.indexOf('Server memory (MiB): idle 2 s after the inserts / peak while searching every collection (5 queries each, k=4). "empty server": before the first collection.');
    expect(lines.slice(from + 2, from + 8)).toEqual([
      '|              | pgvector 0.8.0 |    chroma 1.0.0 |',
      '| :----------- | -------------: | --------------: |',
      '| empty server |             30 |              30 |',
      '| N=1          |        31 / 33 |         60 / 64 |',
      '| N=10         |        45 / 60 |        90 / 110 |',
      '| N=50         |      120 / 180 | failed (search) |',
    ]);
  });

  it('gives memory once every client has closed per N', () => {
    const from = lines.indexOf('Server memory (MiB) once every client has closed (each collection had its own client; per-connection server state, such as a PostgreSQL backend, is gone):');
    expect(lines.slice(from + 2, from + 7)).toEqual([
      '|      | pgvector 0.8.0 |    chroma 1.0.0 |',
      '| :--- | -------------: | --------------: |',
      '| N=1  |             26 |              60 |',
      '| N=10 |             35 |              91 |',
      '| N=50 |             70 | failed (search) |',
    ]);
  });

  it('gives search p50 / create + insert seconds per N', () => {
    const from = lines.indexOf('Vector search p50 across all collections (ms) / create + insert of all N collections (s):');
    expect(lines.slice(from + 2, from + 7)).toEqual([
      '|      | pgvector 0.8.0 |    chroma 1.0.0 |',
      '| :--- | -------------: | --------------: |',
      '| N=1  |    0.80 / 0.25 |     2.25 / 0.50 |',
      '| N=10 |    0.95 / 2.50 |     3.00 / 4.00 |',
      '| N=50 |   1.50 / 12.75 | failed (search) |',
    ]);
  });

  it('names the failure cause in the environment', () => {
    expect(lines).toContain('  - **failed during 50 knowledge bases: search**: OOM-killed: fetch failed');
  });

  it('adds the section after the workloads when a file has both', () => {
    const both: Results = {
      ...runResults,
      stores: runResults.stores.map((s, i) => ({ ...s, ...(i === 0 ? { knowledgeBases: kbResults.stores[0]?.knowledgeBases } : {}) })),
    };
    const text = renderMarkdown(both);
    expect(text.indexOf('## Memory (MiB')).toBeLessThan(text.indexOf('## Knowledge bases'));
    expect(text.indexOf('## Knowledge bases')).toBeLessThan(text.indexOf('## Environment'));
  });
});
