import { ChromaClient } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaStore } from '../../src/adapters/chroma/index.js';
import type { Doc, StoreAdapter } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { NEAREST_TO_17, NEAREST_TO_17_IN_DOC_3_4, fruitChunks, ids, vector } from './fixtures/fruit-chunks.js';

/** The Chroma adapter against every local Chroma version the recipe lists, in both profiles. */
const DOCS: Doc[] = fruitChunks();

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe.each(chromaStore.local?.versions ?? [])('chroma %s (local)', (version) => {
  let server: RunningServer;

  beforeAll(async () => {
    const recipe = chromaStore.local;
    if (!recipe) throw new Error('chroma has no local recipe');
    const started = Date.now();
    server = await startLocalServer('chroma', recipe, { version });
    console.log(`chroma ${version}: ready in ${Date.now() - started} ms (${server.description})`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe.each(Object.keys(chromaStore.profiles))('profile %s', (profile) => {
    let adapter: StoreAdapter;
    const collection = `it_${profile}_${version.replace(/\./g, '_')}`;

    beforeAll(async () => {
      const definition = chromaStore.profiles[profile];
      if (!definition) throw new Error(`no profile ${profile}`);
      adapter = definition.createAdapter();
    });

    afterAll(async () => {
      await adapter?.close();
    });

    it('connects and reports the server version and client', async () => {
      const info = await adapter.connect(server.endpoint);
      // 0.5.20 reports its own version; every Rust server (npm 1.0.5 bindings, PyPI 1.5.9) says 1.0.0.
      expect(info.version).toBe(version === '0.5.20' ? '0.5.20' : '1.0.0');
      expect(info.settings.client).toMatch(/^chromadb \(npm\) \d+\.\d+\.\d+/);
    });

    it('creates the collection, inserts 50 chunks and counts them', async () => {
      await adapter.createCollection({ name: collection, dims: 8, metric: 'cosine' });
      await adapter.insert(DOCS.slice(0, 20));
      await adapter.insert(DOCS.slice(20));
      await adapter.waitUntilSearchable(50);
      expect(await adapter.count()).toBe(50);
    });

    it('finds a chunk first, score ≈ 1, when the query is its own vector', async () => {
      const hits = await adapter.searchVector({ vector: vector(17), k: 5 });
      expect(hits.map((h) => h.id)).toEqual(NEAREST_TO_17);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      expect(hits[0]?.text).toBe('chunk 17: date blue notes');
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    });

    it('restricts a vector search to the given document_ids', async () => {
      const hits = await adapter.searchVector({ vector: vector(17), k: 5, documentIds: ['doc-3', 'doc-4'] });
      expect(hits.map((h) => h.id)).toEqual(NEAREST_TO_17_IN_DOC_3_4);
      expect(await adapter.searchVector({ vector: vector(17), k: 5, documentIds: [] })).toEqual([]);
    });

    it('answers full text only in the native profile, with chunks containing a query word', async () => {
      const search = adapter.searchFullText?.bind(adapter);
      expect(search !== undefined).toBe(adapter.capabilities.fullText);
      if (!search) return;
      const banana = await search({ text: 'banana', k: 50 });
      expect(sorted(banana.map((h) => h.id))).toEqual(sorted(ids(1, 8, 15, 22, 29, 36, 43)));
      expect(banana.every((h) => h.text?.includes('banana'))).toBe(true);
      const either = await search({ text: 'fig, blue', k: 50 });
      expect(sorted(either.map((h) => h.id))).toEqual(
        sorted(ids(2, 5, 8, 11, 12, 14, 17, 19, 20, 23, 26, 29, 32, 33, 35, 38, 40, 41, 44, 47)),
      );
      const filtered = await search({ text: 'banana', k: 50, documentIds: ['doc-0'] });
      expect(sorted(filtered.map((h) => h.id))).toEqual(sorted(ids(1, 8)));
      expect(await search({ text: 'chunk', k: 5 })).toHaveLength(5);
      expect(await search({ text: 'kiwi', k: 5 })).toEqual([]);
      // $contains is case-sensitive on every version.
      expect(await search({ text: 'Banana', k: 5 })).toEqual([]);
    });

    it('deletes by ids and by document_id', async () => {
      await adapter.delete({ kind: 'ids', ids: ids(0, 1) });
      expect(await adapter.count()).toBe(48);
      await adapter.delete({ kind: 'documentId', documentId: 'doc-2' });
      expect(await adapter.count()).toBe(38);
      expect(await adapter.searchVector({ vector: vector(25), k: 5, documentIds: ['doc-2'] })).toEqual([]);
      const hits = await adapter.searchVector({ vector: vector(25), k: 3 });
      expect(hits.map((h) => h.id)).toEqual(ids(47, 3, 32));
    });

    it('drops the collection', async () => {
      await adapter.dropCollection();
      const client = new ChromaClient({ host: server.endpoint.host, port: server.endpoint.ports.http });
      const names = (await client.listCollections()).map((c) => c.name);
      expect(names.some((n) => n.includes(collection))).toBe(false);
    });
  });
});
