import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weaviateStore } from '../../src/adapters/weaviate/index.js';
import { GSE_SERVER_ENV } from '../../src/adapters/weaviate/weaviate-config.js';
import { weaviateClassName } from '../../src/adapters/weaviate/weaviate-names.js';
import { selectProfile } from '../../src/adapters/registry.js';
import type { Collection, Doc, StoreSession } from '../../src/adapters/store-adapter.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { describeAdapterContract } from './contract/adapter-contract.js';
import { NEAREST_TO_17, fruitChunks, ids, vector } from './fixtures/fruit-chunks.js';

/**
 * What is particular to Weaviate as Dify uses it (the adapter contract runs in
 * adapter-contract.test.ts on the default version, and here on the others), each profile on the
 * versions it serves:
 * `dify` (gRPC) on 1.27.0 and 1.39.3, `dify-legacy` (REST + GraphQL) on 1.19.0 and 1.27.0,
 * `gse` on a 1.27.0 started with ENABLE_TOKENIZER_GSE=true. The data are the shared
 * fruit chunks (fixtures/fruit-chunks.ts); expected ids were ranked by brute force (cosine).
 */
const DOCS: Doc[] = fruitChunks((i) => ({ position: i, source: `file-${Math.floor(i / 10)}.md` }));

/** Chinese chunks for the tokenization check: 香蕉 (banana) sits inside sentences in zh-0 and zh-2. */
const CHINESE = ['我喜欢吃香蕉和苹果', '今天天气很好', '香蕉是黄色的水果', '北京是中国的首都'];
const ZH_DOCS: Doc[] = CHINESE.map((text, i) => ({
  id: `zh-${i}`,
  documentId: 'zh-doc',
  text,
  vector: vector(i),
}));

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

interface ServerCase {
  readonly version: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly profiles: readonly string[];
}

const SERVERS: readonly ServerCase[] = [
  { version: '1.27.0', profiles: ['dify', 'dify-legacy'] },
  { version: '1.27.0', env: GSE_SERVER_ENV, profiles: ['gse'] },
  { version: '1.39.3', profiles: ['dify'] },
  { version: '1.19.0', profiles: ['dify-legacy'] },
];

/**
 * The local runtime starts the server with this process's environment plus the recipe's, and the
 * recipe has no per-profile env; so a server env (gse) is set here around the start.
 */
async function startWith(version: string, env?: Readonly<Record<string, string>>): Promise<RunningServer> {
  const recipe = weaviateStore.local;
  if (!recipe) throw new Error('weaviate has no local recipe');
  return startLocalServer('weaviate', recipe, { version, ...(env ? { env } : {}) });
}

async function classSchema(server: RunningServer, className: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${server.endpoint.ports.http}/v1/schema/${className}`);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.each(SERVERS.map((s) => [`${s.version}${s.env ? ' (gse)' : ''}`, s] as const))('weaviate %s (local)', (_, server) => {
  let running: RunningServer;

  beforeAll(async () => {
    const started = Date.now();
    running = await startWith(server.version, server.env);
    const readyMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    const idle = await running.memory?.read();
    console.log(
      `weaviate ${server.version}${server.env ? ' +gse' : ''}: ready in ${readyMs} ms, idle ` +
        `${idle === undefined ? '?' : (idle / 2 ** 20).toFixed(0)} MiB (${running.memory?.method ?? 'no probe'})`,
    );
  });

  afterAll(async () => {
    await running?.stop();
  });

  if (server.version.startsWith('1.19.')) {
    it('refuses the gRPC profile on 1.19 with a clear message', async () => {
      const adapter = weaviateStore.profiles.dify!.createAdapter();
      await expect(adapter.connect(running.endpoint)).rejects.toThrow(/≥ 1\.27\.0.*weaviate:dify-legacy/);
    });
  }

  describe.each(server.profiles)('profile %s', (profile) => {
    let session: StoreSession;
    let collection: Collection;
    const name = `it-${profile}-${server.version}`;
    const className = weaviateClassName(name);
    const definition = weaviateStore.profiles[profile];
    if (!definition) throw new Error(`no profile ${profile}`);
    const grpc = profile !== 'dify-legacy';
    const gse = profile === 'gse';

    beforeAll(async () => {
      session = await definition.createAdapter().connect(running.endpoint);
      collection = await session.createCollection({ name, dims: 8, metric: 'cosine' });
      await collection.insert(DOCS.slice(0, 20));
      await collection.insert(DOCS.slice(20));
      await collection.waitUntilSearchable(50);
    });

    afterAll(async () => {
      await session?.close();
    });

    it('reports the server version, the client and the hybrid fusion this server applies', () => {
      const { info } = session;
      expect(info.version).toBe(server.version);
      expect(String(info.settings.client)).toMatch(grpc ? /^gRPC \+ REST \(weaviate-client 3\.\d+\.\d+\)/ : /GraphQL/);
      expect(info.settings.hybridAlpha).toBe(0.7);
      expect(info.settings.hybridFusion).toBe(server.version.startsWith('1.19.') ? 'ranked' : 'relativeScore');
    });

    it("creates Dify's class: its name, tokenization, properties and cosine HNSW", async () => {
      expect(className).toMatch(/^Vector_index_[0-9a-f]{8}(_[0-9a-f]{4}){3}_[0-9a-f]{12}_Node$/);
      const { status, body } = await classSchema(running, className);
      expect(status).toBe(200);
      const props = new Map<string, any>(body.properties.map((p: any) => [p.name, p]));
      expect(props.get('text')?.tokenization).toBe(gse ? 'gse' : 'word');
      expect(props.get('document_id')?.tokenization).toBe('word');
      expect(props.get('doc_id')?.dataType).toEqual(['text']);
      const index = grpc ? body.vectorConfig?.default : body;
      expect(index?.vectorIndexType).toBe('hnsw');
      expect(index?.vectorIndexConfig?.distance).toBe('cosine');
      if (grpc) expect(props.get('chunk_index')?.dataType).toEqual(['int']);
      else expect(body.vectorConfig ?? {}).toEqual({});
      const c = index?.vectorIndexConfig ?? {};
      console.log(
        `weaviate ${server.version} ${profile}: hnsw efConstruction ${c.efConstruction}, maxConnections ` +
          `${c.maxConnections}, ef ${c.ef}, flatSearchCutoff ${c.flatSearchCutoff}`,
      );
    });

    it('scores vector hits 1 − cosine distance, and filters by document_id exactly on these ids', async () => {
      const hits = await collection.searchVector({ vector: vector(17), k: 5 });
      expect(hits.map((h) => h.id)).toEqual(NEAREST_TO_17);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      const one = await collection.searchVector({ vector: vector(17), k: 20, documentIds: ['doc-1'] });
      expect(sorted(one.map((h) => h.id))).toEqual(sorted(ids(10, 11, 12, 13, 14, 15, 16, 17, 18, 19)));
    });

    it(`ranks BM25 on text with ${gse ? 'gse (which also matches single letters)' : 'word tokenization'}`, async () => {
      const search = collection.searchFullText!.bind(collection);
      const BANANAS = ids(1, 8, 15, 22, 29, 36, 43);
      const banana = await search({ text: 'banana', k: 50 });
      for (let i = 1; i < banana.length; i++) expect(banana[i - 1]!.score!).toBeGreaterThanOrEqual(banana[i]!.score!);
      expect(banana.every((h) => h.text !== undefined && (h.score ?? 0) > 0)).toBe(true);
      if (gse) {
        // gse also emits every Latin letter as a token, so "banana" matches nearly every chunk by its
        // letters; the chunks holding the whole word still rank first.
        expect(sorted(banana.slice(0, 7).map((h) => h.id))).toEqual(sorted(BANANAS));
        expect(banana.length).toBeGreaterThan(7);
        return;
      }
      expect(sorted(banana.map((h) => h.id))).toEqual(sorted(BANANAS));
      // BM25 ranks any-of the query's words; word tokenization drops the comma and lower-cases.
      const either = await search({ text: 'Fig, BLUE', k: 50 });
      expect(sorted(either.map((h) => h.id))).toEqual(
        sorted(ids(2, 5, 8, 11, 12, 14, 17, 19, 20, 23, 26, 29, 32, 33, 35, 38, 40, 41, 44, 47)),
      );
      expect(await search({ text: 'kiwi', k: 5 })).toEqual([]);
    });

    it("answers Weaviate's native hybrid with the fused score (relativeScore: 0.7 + 0.3 for the best of both)", async () => {
      const hybrid = collection.searchHybrid!.bind(collection);
      const hits = await hybrid({ text: 'banana', vector: vector(1), k: 5 });
      expect(hits[0]?.text).toBe('chunk 1: banana green notes');
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score!).toBeGreaterThanOrEqual(hits[i]!.score!);
      // Not so under 1.19's rankedFusion, nor under gse's letters.
      if (!server.version.startsWith('1.19.') && !gse) expect(hits[0]?.score).toBeCloseTo(1, 3);
      const filtered = await hybrid({ text: 'banana', vector: vector(17), k: 50, documentIds: ['doc-0'] });
      expect(sorted(filtered.map((h) => h.id))).toEqual(sorted(ids(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
    });

    it('deletes what is already gone without an error; full text no longer sees deleted rows', async () => {
      await collection.delete({ kind: 'documentId', documentId: 'doc-2' });
      await collection.waitUntilSearchable(40);
      expect(await collection.searchFullText!({ text: 'banana', k: 50, documentIds: ['doc-2'] })).toEqual([]);
      await collection.delete({ kind: 'ids', ids: ids(20, 21) });
      await collection.delete({ kind: 'documentId', documentId: 'doc-2' });
      expect(await collection.count()).toBe(40);
    });

    it('drops the class', async () => {
      await collection.drop();
      expect((await classSchema(running, className)).status).toBe(404);
    });

    it(`finds a Chinese word inside a sentence only with gse (${gse ? 'gse' : 'word'} here)`, async () => {
      const zh = await session.createCollection({ name: `${name}-zh`, dims: 8, metric: 'cosine' });
      try {
        await zh.insert(ZH_DOCS);
        await zh.waitUntilSearchable(ZH_DOCS.length);
        const banana = await zh.searchFullText!({ text: '香蕉', k: 10 });
        if (gse) expect(sorted(banana.map((h) => h.id))).toEqual(['zh-0', 'zh-2']);
        else expect(banana).toEqual([]);
        const whole = await zh.searchFullText!({ text: '今天天气很好', k: 10 });
        expect(whole.map((h) => h.id)).toEqual(['zh-1']);
      } finally {
        await zh.drop();
      }
    });
  });

  // The adapter contract on the versions adapter-contract.test.ts (default version) does not run.
  if (server.version !== weaviateStore.local?.defaultVersion && !server.env) {
    for (const profile of server.profiles) {
      describeAdapterContract(selectProfile(weaviateStore, profile), () => running, `_${server.version.replace(/\./g, '')}`);
    }
  }
});
