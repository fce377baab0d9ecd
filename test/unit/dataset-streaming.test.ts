import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDataset } from '../../src/datasets/read-dataset.js';
import { streamLines } from '../../src/datasets/stream-lines.js';
import { readNativeDataset } from '../../src/datasets/native-reader.js';
import { FileTextDoc } from '../../src/datasets/doc-text-file.js';
import { writeSyntheticDataset } from '../../src/datasets/synthetic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-stream-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('streamLines', () => {
  it('splits lines across 1 MiB read chunks without breaking multi-byte characters, and hashes every byte', async () => {
    // ~2.6 MiB of 3-byte characters: chunk boundaries fall inside characters and inside lines.
    const lines = Array.from({ length: 30_000 }, (_, i) => `第${i}行：向量数据库基准测试${'测'.repeat(i % 50)}`);
    const text = `${lines.slice(0, 10).join('\r\n')}\r\n${lines.slice(10).join('\n')}`;
    const file = join(dir, 'zh.txt');
    await writeFile(file, text);
    const hash = createHash('sha256');
    const read: string[] = [];
    let last = 0;
    const bytes = await readFile(file);
    for await (const { lineNo, text: line, offset, bytes: length } of streamLines(file, hash)) {
      expect(lineNo).toBe(last + 1);
      last = lineNo;
      read.push(line);
      // Each line's place in the file, CR excluded: what doc texts left on disk are read back by.
      expect(bytes.toString('utf8', offset, offset + length)).toBe(line);
    }
    expect(read).toEqual(lines);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(await readFile(file)).digest('hex'));
  });
});

describe('doc texts left in docs.jsonl', () => {
  it('reads every text back as the in-memory reader holds it, and names the file when it changed since', async () => {
    const options = { name: 's', count: 3000, dims: 4, queries: 2, clusters: 2, seed: 3, chunksPerDocument: 5 };
    await writeSyntheticDataset(dir, options);
    // Chinese, a CRLF line and metadata: byte offsets must survive multi-byte text and line ends.
    const docsFile = join(dir, 'docs.jsonl');
    const lines = (await readFile(docsFile, 'utf8')).trimEnd().split('\n');
    lines[7] = JSON.stringify({ id: 'chunk-7', document_id: 'doc-1', text: '向量数据库基准测试，第七块', metadata: { source: 'zh' } });
    await writeFile(docsFile, `${lines.slice(0, 10).join('\r\n')}\r\n${lines.slice(10).join('\n')}\n`);
    const held = await readNativeDataset(dir, { textInFileFromBytes: Number.POSITIVE_INFINITY });
    const onDisk = await readNativeDataset(dir, { textInFileFromBytes: 0 });
    expect(onDisk.contentHash).toBe(held.contentHash);
    expect(onDisk.docs[0]).toBeInstanceOf(FileTextDoc);
    expect(held.docs[0]).not.toBeInstanceOf(FileTextDoc);
    expect(onDisk.docs.map((d) => d.text)).toEqual(held.docs.map((d) => d.text));
    expect(onDisk.docs[7]).toMatchObject({ id: 'chunk-7', document_id: 'doc-1', text: '向量数据库基准测试，第七块', metadata: { source: 'zh' } });
    await writeFile(docsFile, (await readFile(docsFile, 'utf8')).replace('"chunk-2999"', '"chunk-x999"'));
    expect(() => onDisk.docs[2999]?.text).toThrow(/docs\.jsonl.*changed since it was read \(doc "chunk-2999" is no longer there\)/);
  });
});

describe('bench datasets generate', () => {
  it('streams across batches: same bytes for the same seed, unit vectors, at most 100 judged docs per query', async () => {
    const options = { name: 's', count: 5000, dims: 6, queries: 3, clusters: 2, seed: 9, chunksPerDocument: 7 };
    const progress: number[] = [];
    await writeSyntheticDataset(join(dir, 'a'), options, (n) => progress.push(n));
    await writeSyntheticDataset(join(dir, 'b'), options);
    expect(progress).toEqual([4096, 5000]);
    const a = await readDataset(join(dir, 'a'));
    const b = await readDataset(join(dir, 'b'));
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.docs).toHaveLength(5000);
    expect(a.docs[4999]).toMatchObject({ id: 'chunk-4999', document_id: 'doc-714' });
    for (const r of [0, 4095, 4096, 4999]) {
      const v = a.vectors.subarray(r * 6, (r + 1) * 6);
      expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    }
    expect([...a.qrels.values()].map((m) => m.size)).toEqual([100, 100, 100]);
    for (const [, judged] of a.qrels) expect([...judged.values()].every((g) => g === 1 || g === 2)).toBe(true);
  });
});
