import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCEANBASE_TUNED_EF_SEARCH, oceanbaseStore } from '../../src/adapters/oceanbase/index.js';
import { oceanbaseTableName } from '../../src/adapters/oceanbase/oceanbase-ids.js';
import { allProfiles } from '../../src/adapters/registry.js';
import type { Collection, Doc, Hit, StoreSession } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { describeAdapterContract } from './contract/adapter-contract.js';
import { NEAREST_TO_17, NEAREST_TO_17_IN_DOC_3_4, fruitChunks, ids, vector } from './fixtures/fruit-chunks.js';

const DOCS: Doc[] = fruitChunks();
const CHINESE: Doc = {
  id: 'chunk-zh',
  documentId: 'doc-zh',
  text: '香蕉是一种很好吃的水果，产自热带地区',
  vector: Float32Array.from([-1, 0, 0, 0, 0, 0, 0, 0]),
};

/**
 * What is particular to OceanBase (seekdb) as Dify uses it, on every local version: its version
 * line, Dify's l2 scores, the pre-filtered HNSW scan, ik full text (Chinese, case-insensitive,
 * ranking), DBMS_HYBRID_SEARCH in the native profile. The adapter contract is
 * adapter-contract.test.ts (other versions than the default: here); pure parts are in
 * test/unit/oceanbase-sql.test.ts.
 */
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
    let session: StoreSession;
    let collection: Collection;
    const name = `it_${profile}_${version.replace(/\./g, '_')}`;
    const heap = profile === 'native';

    beforeAll(async () => {
      const definition = oceanbaseStore.profiles[profile];
      if (!definition) throw new Error(`no profile ${profile}`);
      session = await definition.createAdapter().connect(server.endpoint);
      collection = await session.createCollection({ name, dims: 8, metric: 'cosine' });
      await collection.insert(DOCS.slice(0, 20));
      await collection.insert([...DOCS.slice(20), CHINESE]);
      await collection.waitUntilSearchable(51);
    });

    afterAll(async () => {
      await session?.close();
    });

    it('reports the seekdb version line, the OB kernel, the client and the server settings', () => {
      const { info } = session;
      expect(info.version).toMatch(/^OceanBase 4\.3\.5\.3 seekdb \(r1\.4\.0\.0\)/);
      expect(info.settings.obVersion).toBe('4.3.5.3');
      expect(info.settings.client).toMatch(/^mysql2 \(npm\) \d+\.\d+\.\d+/);
      expect(info.settings.memoryBudget).toBe('2G');
      // Dify leaves the server's 64; the tuned profile sets its own on every connection.
      expect(info.settings.hnswEfSearch).toBe(profile === 'tuned' ? OCEANBASE_TUNED_EF_SEARCH : 64);
    });

    it("scores as Dify: l2 whatever the dataset metric, 1/(1+d) (dify); the spec's cosine, 1 − d (native)", async () => {
      const hits = await collection.searchVector({ vector: vector(17), k: 5 });
      expect(idsOf(hits)).toEqual(NEAREST_TO_17);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      const d = Math.hypot(...vector(17).map((x, j) => x - vector(39)[j]!));
      const cos = vector(17).reduce((s, x, j) => s + x * vector(39)[j]!, 0);
      expect(hits[1]?.score).toBeCloseTo(heap ? cos : 1 / (1 + d), 5);
    });

    it('filters before the HNSW scan: a filtered search still returns k rows', async () => {
      const hits = await collection.searchVector({ vector: vector(17), k: 5, documentIds: ['doc-3', 'doc-4'] });
      expect(idsOf(hits)).toEqual(NEAREST_TO_17_IN_DOC_3_4);
    });

    it('answers full text with MATCH … AGAINST over the ik parser: any word, case-insensitive, Chinese', async () => {
      const search = collection.searchFullText?.bind(collection);
      if (!search) throw new Error('both profiles have full text');
      const banana = await search({ text: 'banana', k: 50 });
      expect(sorted(idsOf(banana))).toEqual(sorted(ids(1, 8, 15, 22, 29, 36, 43)));
      expect(banana.every((h) => h.text?.includes('banana') && (h.score ?? 0) > 0)).toBe(true);
      const either = await search({ text: 'fig, blue', k: 50 });
      expect(sorted(idsOf(either))).toEqual(
        sorted(ids(2, 5, 8, 11, 12, 14, 17, 19, 20, 23, 26, 29, 32, 33, 35, 38, 40, 41, 44, 47)),
      );
      // Chunks naming both words rank above chunks naming one.
      expect(sorted(idsOf(either.slice(0, 3)))).toEqual(sorted(ids(5, 26, 47)));
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
      const search = collection.searchHybrid?.bind(collection);
      expect(search !== undefined).toBe(heap);
      if (!search) return;
      // Keyword scores (2.2) outweigh vector scores (≤ 1): the 5 best are banana chunks.
      const hits = await search({ text: 'banana', vector: vector(17), k: 5 });
      expect(hits).toHaveLength(5);
      expect(hits.every((h) => ids(1, 8, 15, 22, 29, 36, 43).includes(h.id))).toBe(true);
      const filtered = await search({ text: 'banana', vector: vector(17), k: 5, documentIds: ['doc-0'] });
      expect(sorted(idsOf(filtered.slice(0, 2)))).toEqual(sorted(ids(1, 8)));
      expect(filtered[0]?.text).toMatch(/banana/);
      const chinese = await search({ text: '香蕉', vector: vector(17), k: 3 });
      expect(idsOf(chinese)).toEqual(['chunk-zh', 'chunk-17', 'chunk-39']);
      // The server pastes DSL strings into SQL; quotes and backslashes must not break the query.
      const quoted = await search({ text: "banana's \\ 'fig'", vector: vector(17), k: 3 });
      expect(quoted).toHaveLength(3);
      expect(await search({ text: 'banana', vector: vector(17), k: 3, documentIds: ["doc-0' OR '1'='1"] })).toEqual([]);
    });

    it('after deletes, vector search (eventually, on the heap table) and full text no longer see the rows', async () => {
      await collection.delete({ kind: 'ids', ids: ids(0, 1) });
      await collection.delete({ kind: 'documentId', documentId: 'doc-2' });
      expect(await collection.count()).toBe(39);
      const hits = await eventually(
        () => collection.searchVector({ vector: vector(25), k: 3 }),
        (h) => h.length === 3,
      );
      expect(idsOf(hits)).toEqual(ids(47, 3, 32));
      const text = await collection.searchFullText?.({ text: 'banana', k: 50 });
      expect(sorted(idsOf(text ?? []))).toEqual(sorted(ids(8, 15, 36, 43)));
    });

    it('drops the table', async () => {
      await collection.drop();
      const conn = await mysql.createConnection({
        host: server.endpoint.host,
        port: server.endpoint.ports.mysql,
        user: 'root',
        database: 'test',
      });
      try {
        const [rows] = await conn.query<RowDataPacket[]>('SHOW TABLES');
        expect(rows.map((r) => String(Object.values(r)[0]))).not.toContain(oceanbaseTableName(name));
      } finally {
        await conn.end();
      }
    });
  });

  if (version !== oceanbaseStore.local?.defaultVersion) {
    for (const selection of allProfiles([oceanbaseStore])) describeAdapterContract(selection, () => server, `_${version.replace(/\./g, '')}`);
  }
});
