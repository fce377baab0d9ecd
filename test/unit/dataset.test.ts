import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { writeSyntheticDataset } from '../../src/datasets/synthetic.js';
import { computeGroundTruth, groundTruth } from '../../src/datasets/ground-truth.js';
import type { Dataset } from '../../src/datasets/dataset.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-dataset-'));
  await writeSyntheticDataset(dir, {
    name: 'tiny',
    count: 30,
    dims: 4,
    queries: 5,
    clusters: 3,
    seed: 7,
    chunksPerDocument: 10,
  });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function editLines(file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const lines = (await readFile(join(dir, file), 'utf8')).trimEnd().split('\n');
  await writeFile(join(dir, file), `${edit(lines).join('\n')}\n`);
}

describe('readDataset', () => {
  it('reads a valid dataset', async () => {
    const d = await readDataset(dir);
    expect(d.docs).toHaveLength(30);
    expect(d.queries).toHaveLength(5);
    expect(d.vectors).toHaveLength(120);
    expect(d.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a vectors file of the wrong size, naming file and byte offset', async () => {
    await appendFile(join(dir, 'vectors.f32'), Buffer.alloc(3));
    await expect(readDataset(dir)).rejects.toThrow(`${join(dir, 'vectors.f32')}:byte 480: size is 483 bytes, expected 30 × 4 × 4 = 480`);
  });

  it('rejects a non-finite component with its byte offset', async () => {
    const bytes = await readFile(join(dir, 'query_vectors.f32'));
    bytes.writeFloatLE(Number.NaN, 20);
    await writeFile(join(dir, 'query_vectors.f32'), bytes);
    await expect(readDataset(dir)).rejects.toThrow(`${join(dir, 'query_vectors.f32')}:byte 20: row 1 has a non-finite component (NaN)`);
  });

  it('rejects a zero vector under cosine', async () => {
    const bytes = await readFile(join(dir, 'vectors.f32'));
    bytes.fill(0, 32, 48);
    await writeFile(join(dir, 'vectors.f32'), bytes);
    await expect(readDataset(dir)).rejects.toThrow(`${join(dir, 'vectors.f32')}:byte 32: row 2 is a zero vector (metric is cosine)`);
  });

  it('rejects a duplicate id with its line', async () => {
    await editLines('docs.jsonl', (lines) => {
      lines[4] = lines[4]?.replace('"chunk-4"', '"chunk-3"') ?? '';
      return lines;
    });
    await expect(readDataset(dir)).rejects.toThrow(`${join(dir, 'docs.jsonl')}:5: duplicate id "chunk-3"`);
  });

  it('rejects a line count that disagrees with dataset.json', async () => {
    await editLines('queries.jsonl', (lines) => lines.slice(0, 4));
    await expect(readDataset(dir)).rejects.toThrow(`${join(dir, 'queries.jsonl')}:4: has 4 lines but dataset.json "queries" is 5`);
  });

  it('rejects a malformed record, naming the field', async () => {
    await editLines('docs.jsonl', (lines) => {
      lines[1] = '{"id":"x","text":"t"}';
      return lines;
    });
    await expect(readDataset(dir)).rejects.toThrow(`${join(dir, 'docs.jsonl')}:2: field "document_id"`);
  });

  it('rejects a qrels line naming an unknown doc', async () => {
    await appendFile(join(dir, 'qrels.tsv'), 'q-0\tnope\t1\n');
    await expect(readDataset(dir)).rejects.toThrow(/qrels\.tsv:\d+: doc id "nope" is not in docs\.jsonl/);
  });

  it('rejects a bad manifest field', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'dataset.json'), JSON.stringify({ ...manifest, metric: 'hamming' }));
    await expect(readDataset(dir)).rejects.toThrow(`${join(dir, 'dataset.json')}: field "metric"`);
  });
});

describe('ground truth', () => {
  function handmade(): Dataset {
    // Three docs on a circle; query at 0° is nearest d0, then d1 (45°), then d2 (90°).
    const s = Math.SQRT1_2;
    return {
      dir,
      manifest: { name: 'h', version: 1, dims: 2, metric: 'cosine', count: 3, queries: 2, language: 'en', description: '', license: '', source: '' },
      docs: [
        { id: 'd0', document_id: 'A', text: '' },
        { id: 'd1', document_id: 'B', text: '' },
        { id: 'd2', document_id: 'B', text: '' },
      ],
      vectors: Float32Array.from([1, 0, s, s, 0, 1]),
      queries: [
        { id: 'q0', text: '' },
        { id: 'q1', text: '', document_ids: ['B'] },
      ],
      queryVectors: Float32Array.from([1, 0, 1, 0]),
      qrels: new Map(),
      contentHash: 'f'.repeat(64),
    };
  }

  it('ranks by exact similarity and honours document_ids only when filtered', () => {
    expect(computeGroundTruth(handmade(), 2, false)).toEqual([
      ['d0', 'd1'],
      ['d0', 'd1'],
    ]);
    expect(computeGroundTruth(handmade(), 2, true)).toEqual([
      ['d0', 'd1'],
      ['d1', 'd2'],
    ]);
  });

  it('caches the top 100 beside the dataset and slices it to k', async () => {
    const first = await groundTruth(handmade(), 1, false);
    expect(first).toEqual([['d0'], ['d0']]);
    const cached = await readFile(join(dir, '.ground-truth', `${'f'.repeat(16)}-k100-all.json`), 'utf8');
    expect(JSON.parse(cached).ids).toEqual([
      ['d0', 'd1', 'd2'],
      ['d0', 'd1', 'd2'],
    ]);
    // A new Dataset object: answered from the file, not the in-process memo.
    expect(await groundTruth(handmade(), 2, false)).toEqual([
      ['d0', 'd1'],
      ['d0', 'd1'],
    ]);
  });
});
