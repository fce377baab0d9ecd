import { execFile } from 'node:child_process';
import { mkdtemp, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../../src/adapters/registry.js';
import { writeSyntheticDataset } from '../../src/datasets/synthetic.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/bench.js', import.meta.url).pathname;

async function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-cli-'));
  await writeSyntheticDataset(join(dir, 'good'), { name: 'good', count: 20, dims: 8, queries: 3, clusters: 2, seed: 3, chunksPerDocument: 5 });
  await writeSyntheticDataset(join(dir, 'bad'), { name: 'bad', count: 20, dims: 8, queries: 3, clusters: 2, seed: 3, chunksPerDocument: 5 });
  await appendFile(join(dir, 'bad', 'vectors.f32'), Buffer.alloc(4));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench CLI (no store needed)', () => {
  it('rejects an unknown store, listing the known ones', async () => {
    const r = await bench('run', '--stores', 'chroma,milvus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--stores: unknown store "milvus"; known stores: ${STORES.map((s) => s.name).join(', ')}`);
  });

  it('rejects a dataset that breaks a rule, naming the file and byte offset', async () => {
    const r = await bench('run', '--stores', 'pgvector', '--dataset', join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bad', 'vectors.f32')}:byte 640: size is 644 bytes, expected 20 × 8 × 4 = 640`);
  });

  it('rejects a bad flag value, naming the flag', async () => {
    const r = await bench('run', '--batch-size', 'ten');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--batch-size: "ten" is not a positive integer');
  });

  it('rejects an unknown --client mode with exit 2, naming the flag and the modes', async () => {
    const r = await bench('run', '--client', 'fast');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bench: --client: "fast" is not a client mode; use pooled or dify');
  });

  it('checks and lists datasets', async () => {
    const check = await bench('datasets', 'check', join(dir, 'good'));
    expect(check.stdout).toContain('valid (20 docs, 3 queries');
    const list = await bench('datasets', dir);
    expect(list.stdout).toMatch(/good\s+20 chunks × 8 dims \(cosine\), 3 queries/);
  });

  it('accepts seekdb as a name for oceanbase and rejects an image without the docker runtime', async () => {
    const r = await bench('run', '--stores', 'seekdb', '--image', 'seekdb=my/seekdb:1', '--dataset', join(dir, 'good'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--image needs --runtime docker');
  });

  it('external runtime: exit 2 for a missing URL, --endpoint without it, other commands and bad --workers/--shard', async () => {
    const missing = await bench('run', '--runtime', 'external', '--stores', 'pgvector', '--dataset', join(dir, 'good'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--endpoint: --runtime external needs a URL for pgvector (e.g. --endpoint pgvector=<url>)');
    const local = await bench('run', '--endpoint', 'pgvector=postgres://127.0.0.1/db', '--dataset', join(dir, 'good'));
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--endpoint needs --runtime external');
    const kb = await bench('kb', '--runtime', 'external', '--endpoint', 'pgvector=postgres://127.0.0.1/db', '--dataset', join(dir, 'good'));
    expect(kb.code).toBe(2);
    expect(kb.stderr).toContain('--runtime external: only `bench run` measures an external server');
    const both = await bench('run', '--workers', '2', '--shard', '0/2', '--dataset', join(dir, 'good'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--shard and --workers: a shard runs in one process; run more shards instead');
    const shard = await bench('run', '--shard', '2/2');
    expect(shard.code).not.toBe(0);
    expect(shard.stderr).toContain('--shard: "2/2" is not i/N with 0 ≤ i < N (e.g. 0/4)');
  });

  it('lists stores with capabilities and how each starts', async () => {
    const r = await bench('stores');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pgvector:');
    expect(r.stdout).toContain('chroma:');
    expect(r.stdout).toContain('install: scripts/install-pgvector.sh');
    expect(r.stdout).toContain('external runtime: --endpoint pgvector=postgres://postgres@127.0.0.1:5432/postgres?sslmode=require; from the environment: PGVECTOR_PASSWORD');
  });
});

describe('bench selftest (no store needed)', () => {
  it('names --store for a store without a selftest and for an unknown one, exit 2', async () => {
    const without = STORES.find((s) => !s.selftest)?.name ?? 'none';
    const none = await bench('selftest', '--store', without);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`--store: ${without} has no selftest (stores with one: ${STORES.filter((s) => s.selftest).map((s) => s.name).join(', ')})`);
    const unknown = await bench('selftest', '--store', 'milvus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--store: unknown store "milvus"');
  });

  it('names the flag of a bad number, exit 2', async () => {
    const r = await bench('selftest', '--store', 'pgvector', '--rounds', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rounds');
  });
});
