import { ChromaClient } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaStore } from '../../src/adapters/chroma/index.js';
import { allProfiles } from '../../src/adapters/registry.js';
import type { Collection, Doc, StoreSession } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { describeAdapterContract } from './contract/adapter-contract.js';
import { NEAREST_TO_17, fruitChunks, ids, vector } from './fixtures/fruit-chunks.js';

/**
 * What is particular to Chroma, on every local version the recipe lists: the version each server
 * reports, Dify's score rule in Chroma's default L2 space, the native profile's substring full
 * text, and the collection gone from the server after a drop. The adapter contract runs on every
 * version too (adapter-contract.test.ts runs it on the default one).
 */
const DOCS: Doc[] = fruitChunks();
const sorted = (xs: readonly string[]): string[] => [...xs].sort();
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

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

  if (version !== chromaStore.local?.defaultVersion) {
    for (const selection of allProfiles([chromaStore])) describeAdapterContract(selection, () => server, `_${version.replace(/\./g, '')}`);
  }

  describe.each(Object.keys(chromaStore.profiles))('profile %s', (profile) => {
    let session: StoreSession;
    let collection: Collection;
    const name = `it_${profile}_${version.replace(/\./g, '_')}`;

    beforeAll(async () => {
      const definition = chromaStore.profiles[profile];
      if (!definition) throw new Error(`no profile ${profile}`);
      session = await definition.createAdapter().connect(server.endpoint);
      collection = await session.createCollection({ name, dims: 8, metric: 'cosine' });
      await collection.insert(DOCS);
      await collection.waitUntilSearchable(DOCS.length);
    });

    afterAll(async () => {
      await session?.close();
    });

    it('reports the server version and client', () => {
      // 0.5.20 reports its own version; every Rust server (npm 1.0.5 bindings, PyPI 1.5.9) says 1.0.0.
      expect(session.info.version).toBe(version === '0.5.20' ? '0.5.20' : '1.0.0');
      expect(session.info.settings.client).toMatch(/^chromadb \(npm\) \d+\.\d+\.\d+/);
    });

    it("scores as Dify: 1 − distance, in Chroma's default squared L2 (dify) or cosine (native) space", async () => {
      const hits = await collection.searchVector({ vector: vector(17), k: 5 });
      expect(hits.map((h) => h.id)).toEqual(NEAREST_TO_17);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      // Unit vectors: squared L2 = 2 − 2·cos, so Dify's score 1 − d is 2·cos − 1; in cosine space 1 − d is cos.
      const cos = cosine(vector(17), vector(39));
      expect(hits[1]?.score).toBeCloseTo(profile === 'dify' ? 2 * cos - 1 : cos, 5);
    });

    it('answers full text only in the native profile: any word as a case-sensitive substring', async () => {
      const search = collection.searchFullText?.bind(collection);
      expect(search !== undefined).toBe(profile === 'native');
      if (!search) return;
      const banana = await search({ text: 'banana', k: 50 });
      expect(sorted(banana.map((h) => h.id))).toEqual(sorted(ids(1, 8, 15, 22, 29, 36, 43)));
      expect(banana.every((h) => h.text?.includes('banana') && h.score === undefined)).toBe(true);
      const either = await search({ text: 'fig, blue', k: 50 });
      expect(sorted(either.map((h) => h.id))).toEqual(
        sorted(ids(2, 5, 8, 11, 12, 14, 17, 19, 20, 23, 26, 29, 32, 33, 35, 38, 40, 41, 44, 47)),
      );
      expect(await search({ text: 'kiwi', k: 5 })).toEqual([]);
      // $contains is case-sensitive on every version.
      expect(await search({ text: 'Banana', k: 5 })).toEqual([]);
    });

    it('drops the collection from the server', async () => {
      await collection.drop();
      const client = new ChromaClient({ host: server.endpoint.host, port: server.endpoint.ports.http });
      const names = (await client.listCollections()).map((c) => c.name);
      expect(names.some((n) => n.includes(name))).toBe(false);
    });
  });
});
