import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeResults } from '../../src/bench/results/results-file.js';
import { mapJsonStrings } from '../../src/runtime/json-strings.js';
import { withoutMachinePaths } from '../../src/runtime/machine-paths.js';
import { okStore, results } from './fixtures/results-fixture.js';

describe('withoutMachinePaths', () => {
  it('makes paths under the working directory relative, whole segments only', () => {
    const cwd = '/home/me/vdb-bench';
    expect(withoutMachinePaths('/home/me/vdb-bench/datasets/linux-doc-minilm', cwd)).toBe('datasets/linux-doc-minilm');
    expect(withoutMachinePaths('/home/me/vdb-bench', cwd)).toBe('.');
    expect(withoutMachinePaths('bench --dataset=/home/me/vdb-bench/datasets/x (ok)', cwd)).toBe('bench --dataset=datasets/x (ok)');
    expect(withoutMachinePaths('/home/me/vdb-bench2/datasets/x', cwd)).toBe('/home/me/vdb-bench2/datasets/x');
    expect(withoutMachinePaths('/srv/home/me/vdb-bench/x', cwd)).toBe('/srv/home/me/vdb-bench/x');
    expect(withoutMachinePaths('/opt/data/x', cwd)).toBe('/opt/data/x');
  });

  it('takes the working directory literally, not as a pattern', () => {
    expect(withoutMachinePaths('/a.b+c/x /aXb+c/y', '/a.b+c')).toBe('x /aXb+c/y');
  });

  it('replaces data dirs and install prefixes with or without a working directory', () => {
    const command = '/work/main/.vdb-bench/chroma/0.5.20/venv/bin/chroma run --path /tmp/vdb-bench-5402-chroma-TLvhJP --port 1';
    const published = '.vdb-bench/chroma/0.5.20/venv/bin/chroma run --path $DATA_DIR --port 1';
    expect(withoutMachinePaths(command)).toBe(published);
    expect(withoutMachinePaths(command, '/work/main')).toBe(published);
    // A report renders with no working directory: the same file prints the same wherever it is rendered.
    expect(withoutMachinePaths('/work/main/datasets/x')).toBe('/work/main/datasets/x');
  });
});

describe('mapJsonStrings', () => {
  it('rewrites every string, keeps structure and base64 histograms', () => {
    const up = (s: string) => s.toUpperCase();
    expect(mapJsonStrings({ a: ['x', 1, true, null], b: { c: 'y' }, latency: { histogram: 'abc/def' } }, up)).toEqual({
      a: ['X', 1, true, null],
      b: { c: 'Y' },
      latency: { histogram: 'abc/def' },
    });
  });
});

describe('a results file carries no machine paths', () => {
  it('writes the dataset folder relative to the working directory and the server command without its data dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vdb-bench-paths-'));
    try {
      const file = join(dir, 'r.json');
      const server = okStore.server;
      if (!server) throw new Error('fixture has a server');
      await writeResults(file, {
        ...results,
        dataset: { ...results.dataset, dir: join(process.cwd(), 'datasets', 'linux-doc-mini') },
        stores: [
          {
            ...okStore,
            server: { ...server, description: `${process.cwd()}/.vdb-bench/x/bin/server -D /tmp/vdb-bench-7-pgvector-AbC123/pgdata` },
          },
        ],
      });
      const written = JSON.parse(await readFile(file, 'utf8')) as typeof results;
      expect(written.dataset.dir).toBe('datasets/linux-doc-mini');
      expect(written.stores[0]?.server?.description).toBe('.vdb-bench/x/bin/server -D $DATA_DIR/pgdata');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
