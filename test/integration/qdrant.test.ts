import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectProfile, type StoreSelection } from '../../src/adapters/registry.js';
import { qdrantStore } from '../../src/adapters/qdrant/index.js';
import { datasetId, pointId, qdrantCollectionName } from '../../src/adapters/qdrant/qdrant-names.js';
import type { Collection, Doc, StoreSession } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { describeAdapterContract } from './contract/adapter-contract.js';
import { qdrantTestVersions } from './fixtures/installed-versions.js';
import { FRUITS, NEAREST_TO_17, NEAREST_TO_17_IN_DOC_3_4, fruitChunks, ids, vector } from './fixtures/fruit-chunks.js';

/**
 * What is particular to Qdrant, against real local servers built from source: Dify's collection
 * and payload indexes as Dify creates them (read back over REST), group_id isolation between
 * knowledge bases sharing a collection, Dify's score_threshold, Dify's unranked per-keyword
 * MatchText scroll, delete by doc_id, and native hybrid present on 1.18.3 and absent on 1.8.3.
 * The generic behaviours (insert/count, nearest ids, filters, deletes) are the shared contract
 * suite's. Data: the shared fruit chunks (chunk-i: FRUITS[i % 7], COLOURS[i % 3], doc-⌊i/10⌋).
 */
const DOCS: Doc[] = fruitChunks();
// 1.8.3 always (CI builds it); 1.18.3 where it is installed (setup builds it on demand: README).
const VERSIONS = qdrantTestVersions();
const hasQueryApi = (version: string): boolean => version !== '1.8.3';

const exec = promisify(execFile);
const sorted = (xs: readonly string[]): string[] => [...xs].sort();
const byPointId = (xs: readonly string[]): string[] => [...xs].sort((a, b) => pointId(a).localeCompare(pointId(b)));
const chunksWhere = (pred: (i: number) => boolean): string[] => ids(...DOCS.map((_, i) => i).filter(pred));
const grape = (i: number): boolean => FRUITS[i % 7] === 'grape';
const red = (i: number): boolean => i % 3 === 0;

interface RestAnswer<T> {
  readonly status: number;
  readonly result: T | undefined;
}

async function rest<T>(server: RunningServer, method: string, path: string, body?: unknown): Promise<RestAnswer<T>> {
  const res = await fetch(`http://127.0.0.1:${server.endpoint.ports.http}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as { result?: T }) : {};
  return { status: res.status, result: parsed.result };
}

interface CollectionInfo {
  readonly points_count: number;
  readonly config: {
    readonly params: { readonly vectors: unknown; readonly sparse_vectors?: unknown };
    readonly hnsw_config: Record<string, unknown>;
  };
  readonly payload_schema: Record<string, { data_type: string; params?: Record<string, unknown> }>;
}

describe.each(VERSIONS)('qdrant %s (local)', (version) => {
  let server: RunningServer;
  let dify: StoreSession;
  let native: StoreSession;

  beforeAll(async () => {
    const recipe = qdrantStore.local;
    if (!recipe) throw new Error('qdrant has no local recipe');
    const started = Date.now();
    server = await startLocalServer('qdrant', recipe, { version });
    const readyMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await server.memory?.read();
    console.log(
      `qdrant ${version}: ready in ${readyMs} ms, idle ${idle === undefined ? '?' : (idle / 2 ** 20).toFixed(0)} MiB`,
    );
    dify = await qdrantStore.profiles.dify!.createAdapter().connect(server.endpoint);
    native = await qdrantStore.profiles.native!.createAdapter().connect(server.endpoint);
  });

  afterAll(async () => {
    await dify?.close();
    await native?.close();
    await server?.stop();
  });

  it('listens on 127.0.0.1 only: the REST and gRPC ports, nothing else (no P2P port)', async () => {
    const { stdout } = await exec('ss', ['-ltnpH']);
    const lines = stdout.split('\n').filter(Boolean);
    const http = server.endpoint.ports.http!;
    const own = lines.find((l) => l.split(/\s+/)[3] === `127.0.0.1:${http}`);
    const pid = own?.match(/pid=(\d+)/)?.[1];
    expect(pid, `no listener on 127.0.0.1:${http}`).toBeDefined();
    const locals = lines.filter((l) => l.includes(`pid=${pid},`)).map((l) => l.split(/\s+/)[3] ?? '');
    expect(sorted(locals)).toEqual(sorted([`127.0.0.1:${http}`, `127.0.0.1:${server.endpoint.ports.grpc}`]));
  });

  it('reports the server version, the client, and capabilities for this version', () => {
    expect(dify.info.version).toBe(version);
    expect(String(dify.info.settings.client)).toMatch(/^REST: searches, scrolls and queries by undici.s request .*@qdrant\/js-client-rest 1\.\d+\.\d+ \(compatibility check off\)$/);
    expect(dify.capabilities).toMatchObject({ fullText: true, fullTextRanked: false, nativeHybrid: false });
    expect(native.capabilities.nativeHybrid).toBe(hasQueryApi(version));
    expect(native.capabilities.fullTextRanked).toBe(true);
    if (!hasQueryApi(version)) expect(native.capabilities.notes.join(' ')).toMatch(/no Query API/);
  });

  describe('dify profile', () => {
    const name = `it-dify-${version}`;
    const group = datasetId(name);
    let kb: Collection;

    it("creates Dify's collection and payload indexes", async () => {
      kb = await dify.createCollection({ name, dims: 8, metric: 'cosine' });
      expect(kb.name).toBe(qdrantCollectionName(name));
      expect(kb.name).toMatch(/^Vector_index_[0-9a-f]{8}(_[0-9a-f]{4}){3}_[0-9a-f]{12}_Node$/);
      const { status, result } = await rest<CollectionInfo>(server, 'GET', `/collections/${kb.name}`);
      expect(status).toBe(200);
      expect(result!.config.params.vectors).toEqual({ size: 8, distance: 'Cosine' });
      expect(result!.config.hnsw_config).toMatchObject({
        m: 0,
        payload_m: 16,
        ef_construct: 100,
        full_scan_threshold: 10000,
        max_indexing_threads: 0,
        on_disk: false,
      });
      const schema = result!.payload_schema;
      expect(sorted(Object.keys(schema))).toEqual(['group_id', 'metadata.doc_id', 'metadata.document_id', 'page_content']);
      for (const key of ['group_id', 'metadata.doc_id', 'metadata.document_id']) expect(schema[key]?.data_type).toBe('keyword');
      expect(schema.page_content?.data_type).toBe('text');
      expect(schema.page_content?.params).toMatchObject({
        type: 'text',
        tokenizer: 'multilingual',
        min_token_len: 2,
        max_token_len: 20,
        lowercase: true,
      });
      // Creating it again (Dify checks the collection list first) keeps it as it is.
      await dify.createCollection({ name, dims: 8, metric: 'cosine' });
    });

    it("inserts and stores Dify's payload: page_content, metadata, group_id", async () => {
      await kb.insert(DOCS.slice(0, 20));
      await kb.insert(DOCS.slice(20));
      await kb.waitUntilSearchable(50);
      expect(await kb.count()).toBe(50);
      const { result } = await rest<{ payload: Record<string, unknown> }>(
        server,
        'GET',
        `/collections/${kb.name}/points/${pointId('chunk-17')}`,
      );
      expect(result!.payload).toEqual({
        page_content: 'chunk 17: date blue notes',
        group_id: group,
        metadata: {
          position: 17,
          doc_id: 'chunk-17',
          doc_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          document_id: 'doc-1',
          dataset_id: group,
        },
      });
    });

    it('searches by vector within the knowledge base, best first, document filter as MatchAny', async () => {
      const hits = await kb.searchVector({ vector: vector(17), k: 5 });
      expect(hits.map((h) => h.id)).toEqual(NEAREST_TO_17);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      expect(hits[0]?.text).toBe('chunk 17: date blue notes');
      const filtered = await kb.searchVector({ vector: vector(17), k: 5, documentIds: ['doc-3', 'doc-4'] });
      expect(filtered.map((h) => h.id)).toEqual(NEAREST_TO_17_IN_DOC_3_4);
    });

    it('keeps knowledge bases sharing the collection apart by group_id', async () => {
      // Another knowledge base's points in the same collection, as Dify's collection bindings put
      // them: exact copies of chunks 0-9 (same vectors, texts, document ids), another group_id.
      const other = datasetId('another-kb');
      const points = DOCS.slice(0, 10).map((d) => ({
        id: pointId(`other-${d.id}`),
        vector: Array.from(d.vector),
        payload: { page_content: d.text, metadata: { doc_id: `other-${d.id}`, document_id: d.documentId }, group_id: other },
      }));
      const put = await rest(server, 'PUT', `/collections/${kb.name}/points?wait=true`, { points });
      expect(put.status).toBe(200);
      const all = await rest<{ count: number }>(server, 'POST', `/collections/${kb.name}/points/count`, { exact: true });
      expect(all.result?.count).toBe(60);

      expect(await kb.count()).toBe(50);
      const hits = await kb.searchVector({ vector: vector(3), k: 10 });
      expect(hits.some((h) => h.id.startsWith('other-'))).toBe(false);
      expect(hits[0]?.id).toBe('chunk-3');
      const text = await kb.searchFullText!({ text: 'apple', k: 20 });
      expect(text.length).toBeGreaterThan(0);
      expect(text.some((h) => h.id.startsWith('other-'))).toBe(false);

      // A second knowledge base of the harness gets its own collection and group.
      const second = await dify.createCollection({ name: `${name}-second`, dims: 8, metric: 'cosine' });
      expect(second.name).not.toBe(kb.name);
      await second.insert(DOCS.slice(0, 5));
      expect(await second.count()).toBe(5);
      expect(await kb.count()).toBe(50);
      await second.drop();
      expect(await second.count()).toBe(0);
    });

    it("applies Dify's score_threshold 0.0: a hit with cosine < 0 is not returned (native has no threshold)", async () => {
      const anti: Doc = {
        id: 'anti-17',
        documentId: 'doc-anti',
        text: 'anti chunk',
        vector: Float32Array.from(vector(17), (x) => -x),
      };
      await kb.insert([anti]);
      const hits = await kb.searchVector({ vector: vector(17), k: 100 });
      expect(hits).toHaveLength(50);
      expect(hits.every((h) => (h.score ?? -1) >= 0)).toBe(true);
      expect(hits.map((h) => h.id)).not.toContain('anti-17');
      // The same point is there: a search without Dify's threshold finds it, at cosine −1.
      const raw = await rest<{ id: string; score: number }[]>(server, 'POST', `/collections/${kb.name}/points/search`, {
        vector: Array.from(vector(17)),
        limit: 100,
        filter: { must: [{ key: 'group_id', match: { value: group } }] },
      });
      const found = raw.result!.find((p) => p.id === pointId('anti-17'));
      expect(found?.score).toBeCloseTo(-1, 5);
      await kb.delete({ kind: 'ids', ids: ['anti-17'] });
      expect(await kb.count()).toBe(50);
    });

    it('full text: one MatchText scroll per keyword, merged in point-id order, unranked, no score', async () => {
      // "grape red": the grapes first (all 7, in point-id order), then the first 10 reds in point-id
      // order minus grapes already found, until k = 10. Chunks holding both words get no precedence.
      const grapes = byPointId(chunksWhere(grape));
      const firstReds = byPointId(chunksWhere(red)).slice(0, 10);
      const expected = [...grapes, ...firstReds.filter((id) => !grapes.includes(id))].slice(0, 10);
      const hits = await kb.searchFullText!({ text: 'grape red', k: 10 });
      expect(hits.map((h) => h.id)).toEqual(expected);
      expect(hits.every((h) => h.score === undefined)).toBe(true);
      expect(hits[0]?.text).toMatch(/grape/);

      // Keyword order decides: "red grape" starts with the reds.
      const reversed = await kb.searchFullText!({ text: 'red grape', k: 3 });
      expect(reversed.map((h) => h.id)).toEqual(firstReds.slice(0, 3));
      // A keyword that matches nothing adds nothing; duplicates and extra spaces are ignored.
      const some = await kb.searchFullText!({ text: '  kiwi   grape grape ', k: 20 });
      expect(some.map((h) => h.id)).toEqual(grapes);
      // MatchText needs every token of a keyword: "grape-red" is one keyword of two tokens.
      const both = await kb.searchFullText!({ text: 'grape-red', k: 20 });
      expect(sorted(both.map((h) => h.id))).toEqual(sorted(chunksWhere((i) => grape(i) && red(i))));
      const inDocs = await kb.searchFullText!({ text: 'grape', k: 20, documentIds: ['doc-0', 'doc-1'] });
      expect(sorted(inDocs.map((h) => h.id))).toEqual(sorted(ids(6, 13)));
    });

    it("deletes by doc_id (metadata.doc_id MatchAny) and by document_id, in this group's data", async () => {
      await kb.delete({ kind: 'ids', ids: ['chunk-3', 'chunk-4'] });
      expect(await kb.count()).toBe(48);
      const gone = await rest<{ count: number }>(server, 'POST', `/collections/${kb.name}/points/count`, {
        exact: true,
        filter: { must: [{ key: 'metadata.doc_id', match: { any: ['chunk-3', 'chunk-4'] } }] },
      });
      expect(gone.result?.count).toBe(0);
      const hits = await kb.searchVector({ vector: vector(3), k: 50 });
      expect(hits.map((h) => h.id)).not.toContain('chunk-3');
      await kb.delete({ kind: 'documentId', documentId: 'doc-4' });
      expect(await kb.count()).toBe(38);
    });

    it("drops the knowledge base as Dify's delete(): its points by group_id; the collection stays", async () => {
      await kb.drop();
      expect(await kb.count()).toBe(0);
      const info = await rest<CollectionInfo>(server, 'GET', `/collections/${kb.name}`);
      expect(info.status).toBe(200);
      // The other knowledge base's 10 points remain (they are all in doc-0, untouched by the deletes).
      const all = await rest<{ count: number }>(server, 'POST', `/collections/${kb.name}/points/count`, { exact: true });
      expect(all.result?.count).toBe(10);
    });
  });

  describe('native profile', () => {
    const name = `it-native-${version}`;
    let kb: Collection;

    it('creates named dense + sparse vectors (IDF modifier from 1.10) and a global HNSW', async () => {
      kb = await native.createCollection({ name, dims: 8, metric: 'cosine' });
      const { result } = await rest<CollectionInfo>(server, 'GET', `/collections/${kb.name}`);
      expect(result!.config.params.vectors).toEqual({ dense: { size: 8, distance: 'Cosine' } });
      const sparse = result!.config.params.sparse_vectors as Record<string, { modifier?: string }>;
      expect(Object.keys(sparse)).toEqual(['bm25']);
      if (hasQueryApi(version)) expect(sparse.bm25?.modifier).toBe('idf');
      else expect(sparse.bm25?.modifier).toBeUndefined();
      expect(result!.config.hnsw_config).toMatchObject({ m: 16, ef_construct: 100 });
      await kb.insert(DOCS);
      await kb.waitUntilSearchable(50);
      expect(await kb.count()).toBe(50);
      expect((await kb.searchVector({ vector: vector(17), k: 5 })).map((h) => h.id)).toEqual(NEAREST_TO_17);
    });

    it('ranks full text by the sparse BM25 vector (with server IDF on 1.18.3)', async () => {
      const hits = await kb.searchFullText!({ text: 'grape red', k: 7 });
      const both = chunksWhere((i) => grape(i) && red(i));
      expect(sorted(hits.slice(0, 3).map((h) => h.id))).toEqual(sorted(both));
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score!).toBeGreaterThanOrEqual(hits[i]!.score!);
      if (hasQueryApi(version)) {
        // IDF: grape (7 chunks) is rarer than red (17), so the other grapes outrank every red-only chunk.
        expect(sorted(hits.slice(3).map((h) => h.id))).toEqual(sorted(chunksWhere((i) => grape(i) && !red(i))));
      }
    });

    if (hasQueryApi(version)) {
      it("answers Qdrant's hybrid (Query API: dense + sparse prefetch, RRF)", async () => {
        expect(typeof kb.searchHybrid).toBe('function');
        // Text "39" matches chunk-39 alone (its "chunk 39:"), the dense side ranks NEAREST_TO_17 =
        // 17, 39, 24, 10, 3. Qdrant's RRF scores position p (from 0) of each list 1 / (p + 2)
        // (DEFAULT_RRF_K = 2) and adds them up: chunk-39 gets 1/2 + 1/3 and overtakes chunk-17.
        const hits = await kb.searchHybrid!({ text: '39', vector: vector(17), k: 5 });
        expect(hits.map((h) => h.id)).toEqual(ids(39, 17, 24, 10, 3));
        const scores = hits.map((h) => h.score ?? 0);
        [1 / 2 + 1 / 3, 1 / 2, 1 / 4, 1 / 5, 1 / 6].forEach((x, i) => expect(scores[i]).toBeCloseTo(x, 5));
        // Filtered: the sparse side has nothing in doc-0, so the answer is the filtered dense order.
        const filtered = await kb.searchHybrid!({ text: '39', vector: vector(17), k: 5, documentIds: ['doc-0'] });
        const dense = await kb.searchVector({ vector: vector(17), k: 5, documentIds: ['doc-0'] });
        expect(filtered.map((h) => h.id)).toEqual(dense.map((h) => h.id));
        expect(filtered.every((h) => Number(h.id.slice('chunk-'.length)) < 10)).toBe(true);
      });
    } else {
      it('has no native hybrid on 1.8.3: no searchHybrid, and the server has no Query API', async () => {
        expect(kb.searchHybrid).toBeUndefined();
        const res = await rest(server, 'POST', `/collections/${kb.name}/points/query`, { limit: 1 });
        expect(res.status).toBe(404);
      });
    }

    it('drops the collection', async () => {
      await kb.drop();
      expect((await rest(server, 'GET', `/collections/${kb.name}`)).status).toBe(404);
    });
  });

  // The adapter contract on the version adapter-contract.test.ts (default version) does not run;
  // there the native profile declares its hybrid, as its session on ≥ 1.10 does.
  if (version !== qdrantStore.local?.defaultVersion) {
    for (const profile of Object.keys(qdrantStore.profiles)) {
      describeAdapterContract(onThisVersion(selectProfile(qdrantStore, profile)), () => server, `_${version.replace(/\./g, '')}`);
    }
  }
});

/** A selection with the capabilities its session declares on a server with the Query API. */
function onThisVersion(selection: StoreSelection): StoreSelection {
  if (selection.profileName !== 'native') return selection;
  const profile = selection.profile;
  return { ...selection, profile: { ...profile, capabilities: { ...profile.capabilities, nativeHybrid: true } } };
}
