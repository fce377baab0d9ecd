import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgvectorStore } from '../../src/adapters/pgvector/index.js';
import { uuidV5 } from '../../src/adapters/pgvector/uuid-v5.js';
import type { Doc, StoreAdapter } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';

/** 50 docs on distinct directions: doc i's vector is e_i, so the nearest id is exact. */
const DIMS = 64;
const docs: Doc[] = Array.from({ length: 50 }, (_, i) => {
  const vector = new Float32Array(DIMS);
  vector[i] = 1;
  vector[(i + 1) % DIMS] = 0.1;
  return {
    id: `chunk-${i}`,
    documentId: `doc-${Math.floor(i / 10)}`,
    text: i === 7 ? 'The slab allocator caches kernel objects' : `filler text number ${i} about nothing`,
    vector,
  };
});

let server: RunningServer;
let adapter: StoreAdapter;

beforeAll(async () => {
  const recipe = pgvectorStore.local;
  if (!recipe) throw new Error('pgvector has no local recipe');
  server = await startLocalServer('pgvector', recipe);
  adapter = pgvectorStore.profiles.dify?.createAdapter() as StoreAdapter;
  const info = await adapter.connect(server.endpoint);
  expect(info.version).toMatch(/^PostgreSQL 15\.\d+ \+ pgvector \d+\.\d+\.\d+$/);
  await adapter.createCollection({ name: 'it_pgvector', dims: DIMS, metric: 'cosine' });
  await adapter.insert(docs.slice(0, 25));
  await adapter.insert(docs.slice(25));
  await adapter.waitUntilSearchable(docs.length);
});

afterAll(async () => {
  await adapter?.dropCollection().catch(() => undefined);
  await adapter?.close();
  await server?.stop();
});

describe('pgvector adapter on a real PostgreSQL + pgvector server', () => {
  it('derives UUIDv5 ids deterministically (RFC 9562 test vector)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') == 886313e1-3b8a-5372-9b90-0c9aee199e5d
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('counts every inserted row', async () => {
    expect(await adapter.count()).toBe(50);
  });

  it('returns the exact nearest doc first with score 1 − cosine distance', async () => {
    const hits = await adapter.searchVector({ vector: docs[12]?.vector as Float32Array, k: 3 });
    expect(hits[0]?.id).toBe('chunk-12');
    expect(hits[0]?.score).toBeCloseTo(1, 5);
    expect(hits[0]?.text).toBe('filler text number 12 about nothing');
    expect(hits).toHaveLength(3);
  });

  it('restricts a vector search to the given document_ids', async () => {
    const hits = await adapter.searchVector({ vector: docs[12]?.vector as Float32Array, k: 5, documentIds: ['doc-3'] });
    expect(hits.map((h) => h.id).every((id) => /^chunk-3\d$/.test(id))).toBe(true);
    expect(hits.length).toBeGreaterThan(0);
  });

  it('ranks full-text matches by ts_rank', async () => {
    const hits = await adapter.searchFullText?.({ text: 'slab allocator', k: 5 });
    expect(hits?.map((h) => h.id)).toEqual(['chunk-7']);
    expect(await adapter.searchFullText?.({ text: 'slab', k: 5, documentIds: ['doc-2'] })).toEqual([]);
  });

  it('deletes by ids and by document_id', async () => {
    await adapter.delete({ kind: 'ids', ids: ['chunk-0', 'chunk-1'] });
    expect(await adapter.count()).toBe(48);
    await adapter.delete({ kind: 'documentId', documentId: 'doc-4' });
    expect(await adapter.count()).toBe(38);
    const hits = await adapter.searchVector({ vector: docs[45]?.vector as Float32Array, k: 50 });
    expect(hits.some((h) => /^chunk-4\d$/.test(h.id) || h.id === 'chunk-0' || h.id === 'chunk-1')).toBe(false);
  });

  it('measures the server in its own memory cgroup', async () => {
    expect(server.memory?.method).toMatch(/cgroup/);
    expect(await server.memory?.read()).toBeGreaterThan(1024 * 1024);
  });
});
