import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oceanbaseStore } from '../../src/adapters/oceanbase/index.js';
import { oceanbaseTableName, uuidV5 } from '../../src/adapters/oceanbase/oceanbase-ids.js';
import { METRIC_SQL, float32Text, vectorLiteral } from '../../src/adapters/oceanbase/oceanbase-sql.js';
import { MIN_VECTOR_VERSION, parseObVersion, versionAtLeast } from '../../src/adapters/oceanbase/oceanbase-version.js';
import type { Doc, Hit, StoreAdapter } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { NEAREST_TO_17, NEAREST_TO_17_IN_DOC_3_4, fruitChunks, ids, vector } from './fixtures/fruit-chunks.js';

const DOCS: Doc[] = fruitChunks();
const CHINESE: Doc = {
  id: 'chunk-zh',
  documentId: 'doc-zh',
  text: '香蕉是一种很好吃的水果，产自热带地区',
  vector: Float32Array.from([-1, 0, 0, 0, 0, 0, 0, 0]),
};

const sorted = (xs: readonly string[]): string[] => [...xs].sort();
const idsOf = (hits: readonly Hit[]): string[] => hits.map((h) => h.id);

/** A heap table's vector index follows deletes asynchronously (measured: about 0.25 s). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('oceanbase pure parts', () => {
  it('gates versions as pyobvector does (below 4.3.3.0 has no vector store)', () => {
    expect(parseObVersion('4.3.5.3')).toEqual([4, 3, 5, 3]);
    expect(parseObVersion('4.2.1')).toEqual([4, 2, 1, 0]);
    expect(parseObVersion('5.7.25-OceanBase')).toEqual([5, 7, 25, 0]);
    expect(parseObVersion('seekdb')).toBeUndefined();
    expect(versionAtLeast([4, 3, 3, 0], MIN_VECTOR_VERSION)).toBe(true);
    expect(versionAtLeast([4, 3, 2, 9], MIN_VECTOR_VERSION)).toBe(false);
    expect(versionAtLeast([4, 4, 0, 0], MIN_VECTOR_VERSION)).toBe(true);
  });

  it("converts distances to Dify's scores", () => {
    expect(METRIC_SQL.l2.score(3)).toBeCloseTo(0.25, 12);
    expect(METRIC_SQL.cosine.score(0.2)).toBeCloseTo(0.8, 12);
    expect(METRIC_SQL.ip.score(-0.2)).toBeCloseTo(0.2, 12);
  });

  it('writes vectors with the shortest float32 digits', () => {
    expect(float32Text(0.1)).toBe('0.1');
    expect(float32Text(Math.fround(1 / 3))).toBe('0.33333334');
    expect(float32Text(-2)).toBe('-2');
    expect(vectorLiteral(Float32Array.from([0.5, -0.25, 1e-7]))).toBe('[0.5,-0.25,1e-7]');
    for (let i = 0; i < 50; i++) {
      for (const x of vector(i)) expect(Math.fround(Number(float32Text(x)))).toBe(x);
    }
  });

  it('maps chunk ids to UUIDv5 and dataset names to table names deterministically', () => {
    expect(uuidV5('chunk-1')).toBe(uuidV5('chunk-1'));
    expect(uuidV5('chunk-1')).not.toBe(uuidV5('chunk-2'));
    expect(uuidV5('chunk-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(oceanbaseTableName('Bench-Run.1')).toBe('vector_index_bench_run_1_node');
    expect(oceanbaseTableName('x'.repeat(100))).toHaveLength(64);
  });
});

describe.each(oceanbaseStore.local?.versions ?? [])('oceanbase: seekdb %s (local)', (version) => {
  let server: RunningServer;

  beforeAll(async () => {
    const recipe = oceanbaseStore.local;
    if (!recipe) throw new Error('oceanbase has no local recipe');
    const started = Date.now();
    server = await startLocalServer('oceanbase', recipe, { version });
    const memory = await server.memory?.read();
    console.log(
      `seekdb ${version}: ready in ${Date.now() - started} ms, ` +
        `${memory === undefined ? '?' : Math.round(memory / 2 ** 20)} MiB (${server.description})`,
    );
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe.each(Object.keys(oceanbaseStore.profiles))('profile %s', (profile) => {
    let adapter: StoreAdapter;
    const collection = `it_${profile}_${version.replace(/\./g, '_')}`;
    const heap = profile === 'native';

    beforeAll(() => {
      const definition = oceanbaseStore.profiles[profile];
      if (!definition) throw new Error(`no profile ${profile}`);
      adapter = definition.createAdapter();
    });

    afterAll(async () => {
      await adapter?.close();
    });

    it('connects and reports the server version and client', async () => {
      const info = await adapter.connect(server.endpoint);
      expect(info.version).toMatch(/^OceanBase 4\.3\.5\.3 seekdb \(r1\.4\.0\.0\)/);
      expect(info.settings.obVersion).toBe('4.3.5.3');
      expect(info.settings.client).toMatch(/^mysql2 \(npm\) \d+\.\d+\.\d+/);
      expect(info.settings.memoryBudget).toBe('2G');
      expect(info.settings.hnswEfSearch).toBe(64);
    });

    it('creates the table, inserts 51 chunks and counts them', async () => {
      await adapter.createCollection({ name: collection, dims: 8, metric: 'cosine' });
      await adapter.insert(DOCS.slice(0, 20));
      await adapter.insert([...DOCS.slice(20), CHINESE]);
      await adapter.waitUntilSearchable(51);
      expect(await adapter.count()).toBe(51);
    });

    it('finds a chunk first, score 1, when the query is its own vector', async () => {
      const hits = await adapter.searchVector({ vector: vector(17), k: 5 });
      expect(idsOf(hits)).toEqual(NEAREST_TO_17);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      expect(hits[0]?.text).toBe('chunk 17: date blue notes');
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      // dify: l2 at any dataset metric, score 1/(1+d); native: cosine from the spec, score 1 − d.
      const d = Math.hypot(...vector(17).map((x, j) => x - vector(39)[j]!));
      const cos = vector(17).reduce((s, x, j) => s + x * vector(39)[j]!, 0);
      expect(hits[1]?.score).toBeCloseTo(heap ? cos : 1 / (1 + d), 5);
    });

    it('restricts a vector search to the given document_ids, still returning k rows', async () => {
      const hits = await adapter.searchVector({ vector: vector(17), k: 5, documentIds: ['doc-3', 'doc-4'] });
      expect(idsOf(hits)).toEqual(NEAREST_TO_17_IN_DOC_3_4);
      expect(await adapter.searchVector({ vector: vector(17), k: 5, documentIds: [] })).toEqual([]);
    });

    it('answers full text with MATCH … AGAINST over the ik parser, Chinese included', async () => {
      const search = adapter.searchFullText?.bind(adapter);
      if (!search) throw new Error('both profiles have full text');
      const banana = await search({ text: 'banana', k: 50 });
      expect(sorted(idsOf(banana))).toEqual(sorted(ids(1, 8, 15, 22, 29, 36, 43)));
      expect(banana.every((h) => h.text?.includes('banana') && h.score > 0)).toBe(true);
      const either = await search({ text: 'fig, blue', k: 50 });
      expect(sorted(idsOf(either))).toEqual(
        sorted(ids(2, 5, 8, 11, 12, 14, 17, 19, 20, 23, 26, 29, 32, 33, 35, 38, 40, 41, 44, 47)),
      );
      // Chunks naming both words rank above chunks naming one.
      expect(sorted(idsOf(either.slice(0, 3)))).toEqual(sorted(ids(5, 26, 47)));
      const filtered = await search({ text: 'banana', k: 50, documentIds: ['doc-0'] });
      expect(sorted(idsOf(filtered))).toEqual(sorted(ids(1, 8)));
      expect(await search({ text: 'banana', k: 5, documentIds: [] })).toEqual([]);
      expect(await search({ text: 'chunk', k: 5 })).toHaveLength(5);
      expect(await search({ text: 'kiwi', k: 5 })).toEqual([]);
      // utf8mb4_general_ci: case-insensitive.
      expect(sorted(idsOf(await search({ text: 'Banana', k: 50 })))).toEqual(sorted(idsOf(banana)));
      // ik splits the query too: 我喜欢吃香蕉 → 我 / 喜欢吃 / 香蕉.
      for (const text of ['香蕉', '热带地区', '我喜欢吃香蕉']) {
        const hits = await search({ text, k: 5 });
        expect(idsOf(hits)).toEqual(['chunk-zh']);
        expect(hits[0]?.text).toBe(CHINESE.text);
      }
      expect(await search({ text: '苹果', k: 5 })).toEqual([]);
    });

    it('has native hybrid only in the native profile (DBMS_HYBRID_SEARCH on the heap table)', async () => {
      const search = adapter.searchHybrid?.bind(adapter);
      expect(search !== undefined).toBe(adapter.capabilities.nativeHybrid);
      expect(search !== undefined).toBe(heap);
      if (!search) return;
      // Keyword scores (2.2) outweigh vector scores (≤ 1): the 5 best are banana chunks.
      const hits = await search({ text: 'banana', vector: vector(17), k: 5 });
      expect(hits).toHaveLength(5);
      expect(hits.every((h) => ids(1, 8, 15, 22, 29, 36, 43).includes(h.id))).toBe(true);
      const filtered = await search({ text: 'banana', vector: vector(17), k: 5, documentIds: ['doc-0'] });
      expect(filtered).toHaveLength(5);
      expect(sorted(idsOf(filtered.slice(0, 2)))).toEqual(sorted(ids(1, 8)));
      expect(filtered.every((h) => /^chunk-\d$/.test(h.id))).toBe(true);
      expect(filtered[0]?.text).toMatch(/banana/);
      const chinese = await search({ text: '香蕉', vector: vector(17), k: 3 });
      expect(idsOf(chinese)).toEqual(['chunk-zh', 'chunk-17', 'chunk-39']);
      expect(await search({ text: 'banana', vector: vector(17), k: 5, documentIds: [] })).toEqual([]);
      // The server pastes DSL strings into SQL; quotes and backslashes must not break the query.
      const quoted = await search({ text: "banana's \\ 'fig'", vector: vector(17), k: 3 });
      expect(quoted).toHaveLength(3);
      expect(await search({ text: 'banana', vector: vector(17), k: 3, documentIds: ["doc-0' OR '1'='1"] })).toEqual([]);
    });

    it('deletes by ids and by document_id', async () => {
      await adapter.delete({ kind: 'ids', ids: ids(0, 1) });
      expect(await adapter.count()).toBe(49);
      await adapter.delete({ kind: 'documentId', documentId: 'doc-2' });
      expect(await adapter.count()).toBe(39);
      expect(await adapter.searchVector({ vector: vector(25), k: 5, documentIds: ['doc-2'] })).toEqual([]);
      const hits = await eventually(
        () => adapter.searchVector({ vector: vector(25), k: 3 }),
        (h) => h.length === 3,
      );
      expect(idsOf(hits)).toEqual(ids(47, 3, 32));
      const text = await adapter.searchFullText?.({ text: 'banana', k: 50 });
      expect(sorted(idsOf(text ?? []))).toEqual(sorted(ids(8, 15, 36, 43)));
    });

    it('drops the table', async () => {
      await adapter.dropCollection();
      const conn = await mysql.createConnection({
        host: server.endpoint.host,
        port: server.endpoint.ports.mysql,
        user: 'root',
        database: 'test',
      });
      try {
        const [rows] = await conn.query<RowDataPacket[]>('SHOW TABLES');
        expect(rows.map((r) => String(Object.values(r)[0]))).not.toContain(oceanbaseTableName(collection));
      } finally {
        await conn.end();
      }
    });
  });
});
