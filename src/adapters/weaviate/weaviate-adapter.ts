import type {
  Capabilities,
  Collection,
  CollectionSpec,
  DeleteSelector,
  Doc,
  Hit,
  HybridQuery,
  RetrievalClient,
  StoreAdapter,
  StoreInfo,
  StoreSession,
  TextQuery,
  VectorQuery,
} from '../store-adapter.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { WeaviateConfig } from './weaviate-config.js';
import type { FoundObject, TextFilter, WeaviateDriver } from './weaviate-driver.js';
import { WeaviateGraphqlDriver } from './weaviate-graphql-driver.js';
import { WeaviateGrpcDriver } from './weaviate-grpc-driver.js';
import { objectId, weaviateClassName } from './weaviate-names.js';
import { compareVersions } from './weaviate-package.js';
import { WeaviateRest } from './weaviate-rest.js';
import { RETURN_PROPERTIES, classDefinition, weaviateObject } from './weaviate-schema.js';

/** weaviate-client 3.x refuses older servers (no usable gRPC API before 1.27). */
const GRPC_CLIENT_MIN_SERVER = '1.27.0';
const SEARCHABLE_TIMEOUT_MS = 60_000;

/**
 * Weaviate the way Dify's weaviate_vector.py uses it: one class per knowledge base
 * (`Vector_index_<uuid>_Node`), chunks as objects with text + metadata properties and a
 * self-provided vector, nearVector with score = 1 − distance and a document_id filter, BM25 on
 * `text`, deletes by doc_id or document_id. Which era of Dify (gRPC client v4 or REST/GraphQL
 * client v3) is the profile's WeaviateConfig; Weaviate's own hybrid is offered on top.
 */
export class WeaviateAdapter implements StoreAdapter {
  constructor(
    private readonly capabilities: Capabilities,
    private readonly config: WeaviateConfig,
  ) {}

  async connect(endpoint: Endpoint): Promise<StoreSession> {
    const { http } = endpoint.ports;
    if (http === undefined) throw new Error('weaviate: endpoint has no "http" port');
    const rest = WeaviateRest.forEndpoint(endpoint, http);
    const { version } = await rest.meta();
    const driver = await this.driverFor(rest, version, endpoint);
    return new WeaviateSession(rest, driver, settingsOf(version, driver, this.config), this.capabilities, this.config);
  }

  private async driverFor(rest: WeaviateRest, version: string, endpoint: Endpoint): Promise<WeaviateDriver> {
    if (this.config.api !== 'grpc') return new WeaviateGraphqlDriver(rest, version);
    if (compareVersions(version, GRPC_CLIENT_MIN_SERVER) < 0) {
      throw new Error(
        `weaviate ${version}: this profile speaks gRPC through weaviate-client, which needs Weaviate ≥ ` +
          `${GRPC_CLIENT_MIN_SERVER} (as Dify's current Python client v4 does); for ${version} use the ` +
          `profile weaviate:dify-legacy (REST + GraphQL, what Dify ≤ 1.8 did against Weaviate 1.19)`,
      );
    }
    const { http, grpc } = endpoint.ports;
    if (grpc === undefined || http === undefined) throw new Error('weaviate: endpoint has no "grpc" port');
    return WeaviateGrpcDriver.connect(rest, endpoint, http, grpc);
  }
}

/** One driver (a gRPC channel, or none for REST + GraphQL). */
class WeaviateSession implements StoreSession {
  constructor(
    private readonly rest: WeaviateRest,
    private readonly driver: WeaviateDriver,
    readonly info: StoreInfo,
    readonly capabilities: Capabilities,
    private readonly config: WeaviateConfig,
  ) {}

  async createCollection(spec: CollectionSpec): Promise<Collection> {
    const collection = new WeaviateCollection(this.rest, this.driver, this.config, weaviateClassName(spec.name), spec.name);
    // Dify creates the class only if it does not exist yet; the metric is not Dify's choice (cosine).
    if (await collection.exists()) return collection;
    try {
      await this.driver.createClass(classDefinition(collection.name, this.config));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/tokenizer is not enabled/i.test(message)) {
        throw new Error(
          `weaviate: tokenization "${this.config.textTokenization}" needs the server started with ` +
            `ENABLE_TOKENIZER_GSE=true (Dify's compose: WEAVIATE_ENABLE_TOKENIZER_GSE=true): ${message}`,
        );
      }
      throw error;
    }
    return collection;
  }

  collectionExists(name: string): Promise<boolean> {
    return this.rest.classExists(weaviateClassName(name));
  }

  /** DELETE /v1/schema/{class}: the class and every object in it; 404 (absent) is fine. */
  async removeCollection(name: string): Promise<void> {
    await this.rest.deleteIfPresent(`/schema/${weaviateClassName(name)}`);
  }

  async close(): Promise<void> {
    try {
      await this.driver.close();
    } finally {
      await this.rest.close();
    }
  }
}

/** One Dify knowledge base: the class `Vector_index_<uuid>_Node`. */
class WeaviateCollection implements Collection {
  constructor(
    private readonly rest: WeaviateRest,
    private readonly driver: WeaviateDriver,
    private readonly config: WeaviateConfig,
    readonly name: string,
    private readonly datasetId: string,
  ) {}

  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    const size = this.config.insertBatchSize;
    for (let start = 0; start < batch.length; start += size) {
      await this.driver.insert(this.name, batch.slice(start, start + size).map((d) => weaviateObject(d, this.datasetId)));
    }
  }

  /**
   * Weaviate indexes synchronously unless the server runs with ASYNC_INDEXING=true (the recipe
   * does not): a batch answers once its objects are in the object store and the HNSW graph, so
   * one count suffices. The bounded poll covers async indexing on other servers.
   */
  async waitUntilSearchable(expected: number): Promise<void> {
    const deadline = Date.now() + SEARCHABLE_TIMEOUT_MS;
    for (;;) {
      const count = await this.count();
      if (count === expected) return;
      if (Date.now() > deadline) {
        throw new Error(`weaviate: ${count} rows visible, expected ${expected}, after ${SEARCHABLE_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  count(): Promise<number> {
    return this.driver.count(this.name);
  }

  async searchVector(q: VectorQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    if (!(await this.existsBeforeSearch())) return [];
    const found = await this.driver.nearVector(this.name, Array.from(q.vector), {
      limit: q.k,
      ...this.documentFilter(q.documentIds),
      returnProperties: RETURN_PROPERTIES,
      includeVector: this.config.vectorSearchReturnsVector,
    });
    const threshold = this.config.scoreThreshold;
    return found
      .map((o) => toHit(o, 1 - (o.distance ?? 1)))
      .filter((h): h is ScoredHit => h !== undefined && (threshold === undefined || h.score > threshold))
      .sort((a, b) => b.score - a.score);
  }

  /** BM25 on `text`, in Weaviate's order; score is Weaviate's BM25 score (Dify drops it). */
  async searchFullText(q: TextQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    if (!(await this.existsBeforeSearch())) return [];
    const found = await this.driver.bm25(this.name, q.text, ['text'], {
      limit: q.k,
      ...this.documentFilter(q.documentIds),
      returnProperties: RETURN_PROPERTIES,
      includeVector: this.config.fullTextReturnsVector,
    });
    return found.map((o) => toHit(o, o.score ?? 0)).filter((h): h is ScoredHit => h !== undefined);
  }

  /** Weaviate's hybrid (BM25 on `text` + nearVector), not Dify's; score is Weaviate's fused score. */
  async searchHybrid(q: HybridQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const found = await this.driver.hybrid(this.name, q.text, Array.from(q.vector), {
      limit: q.k,
      ...this.documentFilter(q.documentIds),
      returnProperties: ['doc_id', 'text'],
      includeVector: false,
      alpha: this.config.hybrid.alpha,
      fusion: this.config.hybrid.fusion,
      queryProperties: ['text'],
    });
    return found.map((o) => toHit(o, o.score ?? 0)).filter((h): h is ScoredHit => h !== undefined);
  }

  async delete(sel: DeleteSelector): Promise<void> {
    if (!(await this.exists())) return;
    if (sel.kind === 'documentId') {
      await this.driver.deleteWhere(this.name, { kind: 'equal', property: 'document_id', values: [sel.documentId] });
      return;
    }
    if (sel.ids.length === 0) return;
    if (this.config.deleteByIds === 'docIdContainsAny') {
      await this.driver.deleteWhere(this.name, { kind: 'containsAny', property: 'doc_id', values: sel.ids });
      return;
    }
    for (const id of sel.ids) await this.driver.deleteById(this.name, objectId(id));
  }

  async drop(): Promise<void> {
    if (await this.exists()) await this.driver.dropClass(this.name);
  }

  /**
   * What building Dify's WeaviateVector costs one retrieval. Current Dify (api/providers/vdb/
   * vdb-weaviate/src/dify_vdb_weaviate/weaviate_vector.py, `_init_client`) keeps one module-level
   * client and, for every new Vector, asks it `is_ready()` (GET /v1/.well-known/ready) before
   * reusing it; the search then checks `collections.exists` itself (existsCheck, part of both
   * modes). Dify ≤ 1.8 (client v3, `weaviate.Client(url, startup_period=None)`) built a new client
   * per Vector, whose constructor reads GET /v1/meta for the server version.
   */
  async openRetrievalClient(): Promise<RetrievalClient> {
    if (this.config.api === 'grpc') {
      if (!(await this.rest.ready())) throw new Error('weaviate: Vector database is not ready (GET /v1/.well-known/ready)');
    } else {
      await this.rest.meta();
    }
    return {
      searchVector: (q) => this.searchVector(q),
      searchFullText: (q) => this.searchFullText(q),
      searchHybrid: (q) => this.searchHybrid(q),
      close: async () => {},
    };
  }

  /** The exists check Dify makes (GET /v1/schema/{class}, or the whole schema in Dify ≤ 1.8). */
  exists(): Promise<boolean> {
    return this.config.existsCheck.request === 'class' ? this.rest.classExists(this.name) : this.rest.schemaContains(this.name);
  }

  private documentFilter(documentIds: readonly string[] | undefined): { filter?: TextFilter } {
    return documentIds
      ? { filter: { kind: this.config.documentFilter, property: 'document_id', values: documentIds } }
      : {};
  }

  private existsBeforeSearch(): Promise<boolean> {
    return this.config.existsCheck.on === 'everyCall' ? this.exists() : Promise.resolve(true);
  }
}

/** What a run records about how this profile talks to Weaviate. */
function settingsOf(version: string, driver: WeaviateDriver, c: WeaviateConfig): StoreInfo {
  return {
    version,
    settings: {
      client: driver.api,
      schema: c.schema,
      className: 'Vector_index_<UUIDv5 of the run collection name>_Node',
      objectIds: 'doc_id if it is a UUID, else UUIDv5(doc_id); doc_id kept as a property',
      vectors:
        c.schema === 'dify'
          ? 'named vector "default", self-provided'
          : 'class vector, vectorizer from DEFAULT_VECTORIZER_MODULE (none)',
      vectorIndex: 'hnsw, server defaults',
      distance: 'cosine (server default)',
      textTokenization: c.textTokenization,
      metadataTokenization: 'word (server default)',
      documentFilter: c.documentFilter,
      deleteByIds: c.deleteByIds,
      existsCheck: `${c.existsCheck.on} (${c.existsCheck.request === 'class' ? 'GET /v1/schema/{class}' : 'GET /v1/schema'})`,
      insertBatchSize: c.insertBatchSize,
      scoreThreshold: c.scoreThreshold ?? 'none',
      vectorSearchReturnsVector: c.vectorSearchReturnsVector,
      fullTextReturnsVector: c.fullTextReturnsVector,
      hybridAlpha: c.hybrid.alpha,
      hybridFusion: driver.fusionFor(c.hybrid.fusion),
      hybridQueryProperties: 'text',
      difyClient:
        c.api === 'grpc'
          ? 'the shared client asked is_ready() (GET /v1/.well-known/ready) per retrieval'
          : 'a new v3 client per retrieval (GET /v1/meta)',
    },
  };
}

type ScoredHit = Hit & { readonly score: number };

function toHit(o: FoundObject, score: number): ScoredHit | undefined {
  const id = o.properties.doc_id;
  if (typeof id !== 'string') return undefined;
  const text = o.properties.text;
  return typeof text === 'string' ? { id, score, text } : { id, score };
}
