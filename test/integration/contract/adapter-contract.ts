import { afterAll, describe, expect, it } from 'vitest';
import type { StoreSelection } from '../../../src/adapters/registry.js';
import type { Collection, Doc, Hit, StoreSession } from '../../../src/adapters/store-adapter.js';
import type { RunningServer } from '../../../src/runtime/running-server.js';
import { NEAREST_TO_17, NEAREST_TO_17_IN_DOC_3_4, fruitChunks, ids, vector } from '../fixtures/fruit-chunks.js';

/**
 * The adapter contract, written once and run for every store and profile (as Kysely runs one
 * suite over every dialect). Each test seeds a collection of its own from the shared fruit
 * chunks and drops it, so one failure names one behaviour and never cascades. Optional
 * behaviour (document_id filter, full text, native hybrid) is tested exactly where the profile's
 * capabilities declare it; a capability declared without its method (or the reverse) fails.
 */
const DOCS: Doc[] = fruitChunks();
const BANANAS = ids(1, 8, 15, 22, 29, 36, 43);
const sorted = (xs: readonly string[]): string[] => [...xs].sort();
const idsOf = (hits: readonly Hit[]): string[] => hits.map((h) => h.id);

/**
 * Defines the contract for one store profile against a server the caller starts (in its own
 * beforeAll; `server()` is read inside the tests and throws why the server is missing). `tag` keeps collection names apart when one
 * server serves several suites.
 */
export function describeAdapterContract(selection: StoreSelection, server: () => RunningServer, tag = ''): void {
  const { definition, profileName, profile } = selection;
  const capabilities = profile.capabilities;
  const prefix = `ct${tag}_${profileName.replace(/[^a-z0-9]/gi, '_')}`;

  describe(`${definition.name}:${profileName} adapter contract`, () => {
    // Connected on first use, not in a hook: a server that did not start (not installed, say) then
    // fails every test with its cause, rather than leaving them skipped behind a failed hook.
    let opened: Promise<StoreSession> | undefined;
    const open = (): Promise<StoreSession> => (opened ??= (async () => profile.createAdapter().connect(server().endpoint))());

    afterAll(async () => {
      const session = await opened?.catch(() => undefined);
      await session?.close();
    });

    /** A fresh collection named for the test, seeded with `docs` in two batches, dropped afterwards. */
    async function withCollection(label: string, use: (c: Collection) => Promise<void>, docs = DOCS): Promise<void> {
      const collection = await (await open()).createCollection({ name: `${prefix}_${label}`, dims: 8, metric: 'cosine' });
      try {
        if (docs.length > 0) {
          await collection.insert(docs.slice(0, 20));
          await collection.insert(docs.slice(20));
          await collection.waitUntilSearchable(docs.length);
        }
        await use(collection);
      } finally {
        await collection.drop();
      }
    }

    it('collectionExists and removeCollection: the harness sees and removes its own collection, whatever its state', async () => {
      const session = await open();
      const name = `${prefix}_own`;
      expect(await session.collectionExists(name)).toBe(false);
      const collection = await session.createCollection({ name, dims: 8, metric: 'cosine' });
      await collection.insert(DOCS.slice(0, 5));
      await collection.waitUntilSearchable(5);
      expect(await session.collectionExists(name)).toBe(true);
      expect(await session.collectionExists(`${prefix}_other`)).toBe(false);
      await session.removeCollection(name);
      expect(await session.collectionExists(name)).toBe(false);
      // Removing what is gone is not an error: cleanup after a failure may find nothing.
      await session.removeCollection(name);
    });

    it('reports the server version', async () => {
      expect((await open()).info.version.trim()).not.toBe('');
    });

    it('declares honest capabilities: optional methods exist exactly when declared', async () => {
      const c = (await open()).capabilities;
      expect(c.metrics.length).toBeGreaterThan(0);
      if (!c.fullText) expect(c.fullTextRanked).toBe(false);
      await withCollection('caps', async (collection) => {
        expect(collection.searchFullText !== undefined, 'searchFullText present ⇔ capabilities.fullText').toBe(c.fullText);
        expect(collection.searchHybrid !== undefined, 'searchHybrid present ⇔ capabilities.nativeHybrid').toBe(c.nativeHybrid);
      }, []);
    });

    it('counts what it inserted', async () => {
      await withCollection('count', async (c) => {
        expect(await c.count()).toBe(DOCS.length);
      });
    });

    it('finds the exact nearest chunks, best first', async () => {
      await withCollection('nearest', async (c) => {
        const hits = await c.searchVector({ vector: vector(17), k: 5 });
        expect(idsOf(hits)).toEqual(NEAREST_TO_17);
        if (hits[0]?.text !== undefined) expect(hits[0].text).toBe('chunk 17: date blue notes');
        const scores = hits.map((h) => h.score).filter((s): s is number => s !== undefined);
        for (let i = 1; i < scores.length; i++) expect(scores[i - 1]).toBeGreaterThanOrEqual(scores[i] as number);
      });
    });

    it('returns k hits, no more', async () => {
      await withCollection('k', async (c) => {
        for (const k of [1, 3, 5]) {
          expect(idsOf(await c.searchVector({ vector: vector(17), k }))).toEqual(NEAREST_TO_17.slice(0, k));
        }
      });
    });

    if (capabilities.documentIdFilter) {
      it('restricts a vector search to the given document_ids', async () => {
        await withCollection('filter', async (c) => {
          const hits = await c.searchVector({ vector: vector(17), k: 5, documentIds: ['doc-3', 'doc-4'] });
          expect(idsOf(hits)).toEqual(NEAREST_TO_17_IN_DOC_3_4);
          expect(await c.searchVector({ vector: vector(17), k: 5, documentIds: [] })).toEqual([]);
        });
      });
    }

    it('deletes by ids: the count drops and search no longer finds them', async () => {
      await withCollection('del_ids', async (c) => {
        await c.delete({ kind: 'ids', ids: ids(0, 1) });
        await c.waitUntilSearchable(48);
        expect(await c.count()).toBe(48);
        const found = idsOf(await c.searchVector({ vector: vector(0), k: 10 }));
        expect(found).not.toContain('chunk-0');
        expect(found).not.toContain('chunk-1');
      });
    });

    it('deletes by document_id: the count drops and search no longer finds them', async () => {
      await withCollection('del_doc', async (c) => {
        await c.delete({ kind: 'documentId', documentId: 'doc-2' });
        await c.waitUntilSearchable(40);
        expect(await c.count()).toBe(40);
        const found = idsOf(await c.searchVector({ vector: vector(25), k: 10 }));
        expect(found.filter((id) => /^chunk-2\d$/.test(id))).toEqual([]);
        if (capabilities.documentIdFilter) {
          expect(await c.searchVector({ vector: vector(25), k: 5, documentIds: ['doc-2'] })).toEqual([]);
        }
      });
    });

    if (capabilities.fullText) {
      it(`finds the chunks holding a word with full text${capabilities.fullTextRanked ? ', those first' : ' (unranked)'}`, async () => {
        await withCollection('text', async (c) => {
          const search = c.searchFullText?.bind(c);
          if (!search) throw new Error('capabilities.fullText is true but the collection has no searchFullText');
          const banana = idsOf(await search({ text: 'banana', k: 50 }));
          expect(banana).toEqual(expect.arrayContaining(BANANAS));
          // A ranked full text puts the chunks holding the word first (Weaviate's gse also matches letters).
          if (capabilities.fullTextRanked) expect(sorted(banana.slice(0, BANANAS.length))).toEqual(sorted(BANANAS));
          expect(await search({ text: 'chunk', k: 5 })).toHaveLength(5);
          if (capabilities.documentIdFilter) {
            const filtered = idsOf(await search({ text: 'banana', k: 50, documentIds: ['doc-0'] }));
            expect(filtered).toEqual(expect.arrayContaining(ids(1, 8)));
            expect(filtered.every((id) => /^chunk-\d$/.test(id))).toBe(true);
            if (capabilities.fullTextRanked) expect(sorted(filtered.slice(0, 2))).toEqual(ids(1, 8));
            expect(await search({ text: 'banana', k: 5, documentIds: [] })).toEqual([]);
          }
        });
      });
    }

    if (capabilities.nativeHybrid) {
      it('answers its native hybrid: the chunk best on both sides first, k respected, filtered', async () => {
        await withCollection('hybrid', async (c) => {
          const search = c.searchHybrid?.bind(c);
          if (!search) throw new Error('capabilities.nativeHybrid is true but the collection has no searchHybrid');
          // chunk-1 is the nearest vector and, with 'green', among the three best texts (chunk-1,
          // -22, -43); 'banana' alone ties seven chunks on the text side, where a rank fusion
          // (RRF) may rightly put chunk-8 (dense 4th, text tied 1st) ahead of chunk-1.
          const hits = await search({ text: 'banana green', vector: vector(1), k: 5 });
          expect(hits).toHaveLength(5);
          expect(hits[0]?.id).toBe('chunk-1');
          if (capabilities.documentIdFilter) {
            const filtered = await search({ text: 'banana', vector: vector(17), k: 5, documentIds: ['doc-0'] });
            expect(filtered).toHaveLength(5);
            expect(idsOf(filtered).every((id) => /^chunk-\d$/.test(id))).toBe(true);
            expect(await search({ text: 'banana', vector: vector(1), k: 5, documentIds: [] })).toEqual([]);
          }
        });
      });
    }

    it('opens an existing collection from another session: createCollection keeps its rows', async () => {
      await withCollection('reopen', async () => {
        const other = await profile.createAdapter().connect(server().endpoint);
        try {
          const same = await other.createCollection({ name: `${prefix}_reopen`, dims: 8, metric: 'cosine' });
          expect(await same.count()).toBe(DOCS.length);
          expect(idsOf(await same.searchVector({ vector: vector(17), k: 5 }))).toEqual(NEAREST_TO_17);
        } finally {
          await other.close();
        }
      });
    });

    it('drops the collection: created again under the same name, it is empty', async () => {
      const session = await open();
      const spec = { name: `${prefix}_drop`, dims: 8, metric: 'cosine' as const };
      const first = await session.createCollection(spec);
      await first.insert(DOCS.slice(0, 5));
      await first.waitUntilSearchable(5);
      await first.drop();
      const again = await session.createCollection(spec);
      try {
        expect(await again.count()).toBe(0);
      } finally {
        await again.drop();
      }
    });
  });
}
