import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { pgvectorStore } from '../../src/adapters/pgvector/index.js';
import { uuidV5 } from '../../src/adapters/uuid-v5.js';
import { PGVECTOR_VERSION } from '../../src/adapters/pgvector/pgvector-version.js';
import type { Collection, Doc, Metric, StoreInfo, StoreSession } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';

/**
 * What is particular to pgvector as Dify uses it (the adapter contract is adapter-contract.test.ts):
 * Dify's table and HNSW index, UUIDv5 ids, the cosine-below-0 cut, ts_rank full text with english
 * stemming, the l2/ip operator classes, no index above 2000 dims.
 *
 * 50 handmade chunks in 5 Dify documents (doc-0 holds chunk-0..9, ...). Vectors are a fixed
 * pseudo-random Gaussian draw, so cosine similarities are both positive and negative; expected
 * answers are computed here by brute force, exactly, and compared id for id.
 */
const DIMS = 16;
const TEXTS: Record<number, string> = {
  7: 'The slab allocator caches kernel objects; a slab allocator keeps free objects per cache.',
  23: 'Memory comes from the buddy allocator, and the slab layer sits on top of it.',
  31: 'Allocators differ: the buddy allocator hands out pages, not objects.',
};

function gaussians(seed: number, n: number): number[] {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0; // mulberry32
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

const docs: Doc[] = Array.from({ length: 50 }, (_, i) => ({
  id: `chunk-${i}`,
  documentId: `doc-${Math.floor(i / 10)}`,
  text: TEXTS[i] ?? `filler text number ${i} about nothing in particular`,
  vector: Float32Array.from(gaussians(1000 + i, DIMS)),
}));
const byId = new Map(docs.map((d) => [d.id, d]));

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}

/** The exact answer: ids by the metric's score, best first (cosine hits below 0 dropped, as Dify). */
function bruteForce(
  query: Float32Array,
  k: number,
  metric: Metric = 'cosine',
  keep: (d: Doc) => boolean = () => true,
): string[] {
  const score = (d: Doc): number =>
    metric === 'cosine'
      ? dot(query, d.vector) / Math.sqrt(dot(query, query) * dot(d.vector, d.vector))
      : metric === 'ip'
        ? dot(query, d.vector)
        : -Math.sqrt(d.vector.reduce((sum, x, i) => sum + (x - (query[i] ?? 0)) ** 2, 0));
  return docs
    .filter(keep)
    .map((d) => ({ id: d.id, s: score(d) }))
    .filter((h) => metric !== 'cosine' || h.s >= 0)
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((h) => h.id);
}

const vectorOf = (id: string): Float32Array => byId.get(id)?.vector as Float32Array;

let server: RunningServer;
let session: StoreSession;
let adapter: Collection;
let info: StoreInfo;
let sql: pg.Client;
const deleted = new Set<string>();

async function indexDefinitions(table: string): Promise<string[]> {
  const { rows } = await sql.query<{ indexdef: string }>(
    'SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname',
    [table],
  );
  return rows.map((r) => r.indexdef);
}

beforeAll(async () => {
  const recipe = pgvectorStore.local;
  if (!recipe) throw new Error('pgvector has no local recipe');
  const t0 = performance.now();
  server = await startLocalServer('pgvector', recipe);
  console.log(`pgvector: server (initdb + start) ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const profile = pgvectorStore.profiles.dify;
  if (!profile) throw new Error('pgvector has no dify profile');
  session = await profile.createAdapter().connect(server.endpoint);
  info = session.info;
  sql = new pg.Client({ host: server.endpoint.host, port: server.endpoint.ports.postgres, user: 'postgres', database: 'postgres' });
  await sql.connect();
  adapter = await session.createCollection({ name: 'it_pgvector', dims: DIMS, metric: 'cosine' });
  await adapter.insert(docs.slice(0, 25));
  await adapter.insert(docs.slice(25));
  await adapter.waitUntilSearchable(docs.length);
});

afterAll(async () => {
  await sql?.end().catch(() => undefined);
  await adapter?.drop().catch(() => undefined);
  await session?.close();
  await server?.stop();
});

describe('pgvector adapter on a real PostgreSQL + pgvector server', () => {
  it('reports PostgreSQL and pgvector versions and the settings it runs with', () => {
    expect(info.version).toMatch(new RegExp(`^PostgreSQL 15\\.\\d+ \\+ pgvector ${PGVECTOR_VERSION.replace(/\./g, '\\.')}$`));
    expect(info.settings).toMatchObject({
      hnswM: 16,
      hnswEfConstruction: 64,
      'hnsw.ef_search': '40',
      shared_buffers: '128MB',
      default_text_search_config: 'pg_catalog.english',
    });
  });

  it("creates Dify's table and HNSW index before the inserts", async () => {
    const { rows } = await sql.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_name = 'embedding_it_pgvector' ORDER BY ordinal_position`,
    );
    expect(rows.map((r) => `${r.column_name} ${r.data_type} ${r.is_nullable}`)).toEqual([
      'id uuid NO',
      'text text NO',
      'meta jsonb NO',
      'embedding USER-DEFINED NO',
    ]);
    const defs = await indexDefinitions('embedding_it_pgvector');
    expect(defs).toHaveLength(2); // the primary key and the HNSW index
    expect(defs[0]).toMatch(
      /^CREATE INDEX embedding_cosine_v1_idx_[0-9a-f]{8} ON public\.embedding_it_pgvector USING hnsw \(embedding vector_cosine_ops\) WITH \(m='16', ef_construction='64'\)$/,
    );
  });

  it("stores UUIDv5 ids with Dify's meta: the original id, doc_hash, document_id, dataset_id", async () => {
    const { rows } = await sql.query<{ id: string; meta: Record<string, string> }>(
      `SELECT id, meta FROM embedding_it_pgvector WHERE meta->>'doc_id' = 'chunk-23'`,
    );
    // doc_hash is Dify's generate_text_hash: sha256 of the text followed by "None".
    const docHash = createHash('sha256').update(`${TEXTS[23]}None`).digest('hex');
    expect(rows).toEqual([
      { id: uuidV5('chunk-23'), meta: { doc_id: 'chunk-23', doc_hash: docHash, document_id: 'doc-2', dataset_id: 'it_pgvector' } },
    ]);
  });

  it('stores every vector as exactly the float32 values inserted', async () => {
    // vector_send is pgvector's binary output: int16 dims, int16 unused, dims × float4 big-endian.
    const { rows } = await sql.query<{ id: string; bytes: Buffer }>(
      `SELECT meta->>'doc_id' AS id, vector_send(embedding) AS bytes FROM embedding_it_pgvector`,
    );
    expect(rows).toHaveLength(docs.length);
    for (const { id, bytes } of rows) {
      expect(bytes.readInt16BE(0)).toBe(DIMS);
      const stored = Float32Array.from({ length: DIMS }, (_, i) => bytes.readFloatBE(4 + 4 * i));
      expect(stored, id).toEqual(vectorOf(id));
    }
  });

  it('returns the exact nearest doc first with score 1 − cosine distance, then the exact neighbours', async () => {
    const hits = await adapter.searchVector({ vector: vectorOf('chunk-12'), k: 5 });
    expect(hits.map((h) => h.id)).toEqual(bruteForce(vectorOf('chunk-12'), 5));
    expect(hits[0]?.id).toBe('chunk-12');
    expect(hits[0]?.score).toBeCloseTo(1, 5);
    expect(hits[0]?.text).toBe('filler text number 12 about nothing in particular');
    expect(hits.every((h, i) => i === 0 || (h.score ?? -Infinity) <= (hits[i - 1]?.score ?? Infinity))).toBe(true);
  });

  it('drops hits with cosine similarity below 0, as Dify with no threshold', async () => {
    const hits = await adapter.searchVector({ vector: vectorOf('chunk-40'), k: 50 });
    const expected = bruteForce(vectorOf('chunk-40'), 50);
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(45);
    expect(hits.map((h) => h.id)).toEqual(expected);
    expect(Math.min(...hits.map((h) => h.score ?? -1))).toBeGreaterThanOrEqual(0);
  });

  it('restricts a vector search to the given document_ids', async () => {
    const inDocs = (ids: string[]) => (d: Doc) => ids.includes(d.documentId);
    const hits = await adapter.searchVector({ vector: vectorOf('chunk-12'), k: 4, documentIds: ['doc-3'] });
    expect(hits.map((h) => h.id)).toEqual(bruteForce(vectorOf('chunk-12'), 4, 'cosine', inDocs(['doc-3'])));
    expect(hits).toHaveLength(4);
    const two = await adapter.searchVector({ vector: vectorOf('chunk-12'), k: 6, documentIds: ['doc-1', 'doc-4'] });
    expect(two.map((h) => h.id)).toEqual(bruteForce(vectorOf('chunk-12'), 6, 'cosine', inDocs(['doc-1', 'doc-4'])));
    expect(two[0]?.id).toBe('chunk-12');
    expect(await adapter.searchVector({ vector: vectorOf('chunk-12'), k: 4, documentIds: [] })).toEqual([]);
  });

  it('ranks full-text matches by ts_rank, english stemming, with the document_id filter', async () => {
    const hits = await adapter.searchFullText?.({ text: 'slab allocator', k: 5 });
    // chunk-7 says both words twice, chunk-23 once each; chunk-31 has no "slab".
    expect(hits?.map((h) => h.id)).toEqual(['chunk-7', 'chunk-23']);
    expect(hits?.[0]?.score).toBeGreaterThan(hits?.[1]?.score ?? Infinity);
    expect(hits?.[1]?.text).toBe(TEXTS[23]);
    // "allocators" stems to "alloc", as "allocator" does.
    const stemmed = await adapter.searchFullText?.({ text: 'allocators', k: 5 });
    expect(new Set(stemmed?.map((h) => h.id))).toEqual(new Set(['chunk-7', 'chunk-23', 'chunk-31']));
    expect((await adapter.searchFullText?.({ text: 'slab allocator', k: 5, documentIds: ['doc-2'] }))?.map((h) => h.id)).toEqual([
      'chunk-23',
    ]);
    expect(await adapter.searchFullText?.({ text: 'slab', k: 5, documentIds: ['doc-1', 'doc-3'] })).toEqual([]);
    expect(await adapter.searchFullText?.({ text: "it's   a 'quoted' query", k: 5 })).toEqual([]);
  });

  it('deletes by ids: count and search no longer see the rows', async () => {
    await adapter.delete({ kind: 'ids', ids: ['chunk-12', 'chunk-13'] });
    ['chunk-12', 'chunk-13'].forEach((id) => deleted.add(id));
    expect(await adapter.count()).toBe(48);
    const hits = await adapter.searchVector({ vector: vectorOf('chunk-12'), k: 5 });
    expect(hits.map((h) => h.id)).toEqual(bruteForce(vectorOf('chunk-12'), 5, 'cosine', (d) => !deleted.has(d.id)));
    expect(hits.map((h) => h.id)).not.toContain('chunk-12');
  });

  it('deletes by document_id: count, vector and full-text search no longer see the rows', async () => {
    await adapter.delete({ kind: 'documentId', documentId: 'doc-2' });
    docs.filter((d) => d.documentId === 'doc-2').forEach((d) => deleted.add(d.id));
    expect(await adapter.count()).toBe(38);
    const hits = await adapter.searchVector({ vector: vectorOf('chunk-25'), k: 50 });
    expect(hits.map((h) => h.id)).toEqual(bruteForce(vectorOf('chunk-25'), 50, 'cosine', (d) => !deleted.has(d.id)));
    expect(hits.some((h) => /^chunk-2\d$/.test(h.id))).toBe(false);
    expect((await adapter.searchFullText?.({ text: 'slab allocator', k: 5 }))?.map((h) => h.id)).toEqual(['chunk-7']);
    expect(await adapter.searchVector({ vector: vectorOf('chunk-25'), k: 5, documentIds: ['doc-2'] })).toEqual([]);
  });

  it.each([['l2'], ['ip']] as const)('%s metric: its own operator class and exact answers', async (metric) => {
    const other = await session.createCollection({ name: `it_pgvector_${metric}`, dims: DIMS, metric });
    try {
      await other.insert(docs);
      expect((await indexDefinitions(`embedding_it_pgvector_${metric}`)).find((d) => d.includes('hnsw'))).toContain(
        `USING hnsw (embedding vector_${metric}_ops) WITH (m='16', ef_construction='64')`,
      );
      const hits = await other.searchVector({ vector: vectorOf('chunk-5'), k: 5 });
      expect(hits.map((h) => h.id)).toEqual(bruteForce(vectorOf('chunk-5'), 5, metric));
      const self = vectorOf('chunk-5');
      expect(hits.find((h) => h.id === 'chunk-5')?.score).toBeCloseTo(metric === 'l2' ? 0 : dot(self, self), 4);
    } finally {
      await other.drop();
    }
  });

  it('creates no HNSW index above 2000 dims, as Dify', async () => {
    const other = await session.createCollection({ name: 'it_pgvector_wide', dims: 2001, metric: 'cosine' });
    try {
      expect(await indexDefinitions('embedding_it_pgvector_wide')).toEqual([
        'CREATE UNIQUE INDEX embedding_it_pgvector_wide_pkey ON public.embedding_it_pgvector_wide USING btree (id)',
      ]);
    } finally {
      await other.drop();
    }
  });

  it('measures the server in its own memory cgroup', async () => {
    expect(server.memory?.method).toMatch(/cgroup/);
    expect(await server.memory?.read()).toBeGreaterThan(1024 * 1024);
  });

  it('drops the table', async () => {
    await adapter.drop();
    const { rows } = await sql.query(`SELECT 1 FROM pg_tables WHERE tablename LIKE 'embedding_it_pgvector%'`);
    expect(rows).toEqual([]);
    await expect(adapter.count()).rejects.toThrow(/relation "embedding_it_pgvector" does not exist/);
  });
});
