import type {
  Capabilities,
  CollectionSpec,
  DeleteSelector,
  Doc,
  Endpoint,
  Hit,
  HybridQuery,
  StoreAdapter,
  StoreInfo,
  TextQuery,
  VectorQuery,
} from '../store-adapter.js';
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
  readonly name = 'weaviate';

  private rest: WeaviateRest | undefined;
  private driver: WeaviateDriver | undefined;
  private className: string | undefined;
  private datasetId = '';

  constructor(
    readonly capabilities: Capabilities,
    private readonly config: WeaviateConfig,
  ) {}

  async connect(endpoint: Endpoint): Promise<StoreInfo> {
    const { http, grpc } = endpoint.ports;
    if (http === undefined) throw new Error('weaviate: endpoint has no "http" port');
    const rest = WeaviateRest.forPort(endpoint.host, http);
    const { version } = await rest.meta();
    let driver: WeaviateDriver;
    if (this.config.api === 'grpc') {
      if (compareVersions(version, GRPC_CLIENT_MIN_SERVER) < 0) {
        throw new Error(
          `weaviate ${version}: this profile speaks gRPC through weaviate-client, which needs Weaviate ≥ ` +
            `${GRPC_CLIENT_MIN_SERVER} (as Dify's current Python client v4 does); for ${version} use the ` +
            `profile weaviate:dify-legacy (REST + GraphQL, what Dify ≤ 1.8 did against Weaviate 1.19)`,
        );
      }
      if (grpc === undefined) throw new Error('weaviate: endpoint has no "grpc" port');
      driver = await WeaviateGrpcDriver.connect(rest, endpoint.host, http, grpc);
    } else {
      driver = new WeaviateGraphqlDriver(rest, version);
    }
    this.rest = rest;
    this.driver = driver;
    const c = this.config;
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
      },
    };
  }

  async createCollection(spec: CollectionSpec): Promise<void> {
    const name = weaviateClassName(spec.name);
    this.className = name;
    this.datasetId = spec.name;
    // Dify creates the class only if it does not exist yet; the metric is not Dify's choice (cosine).
    if (await this.exists()) return;
    try {
      await this.requireDriver().createClass(classDefinition(name, this.config));
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
  }

  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    const driver = this.requireDriver();
    const name = this.requireClass();
    const size = this.config.insertBatchSize;
    for (let start = 0; start < batch.length; start += size) {
      await driver.insert(name, batch.slice(start, start + size).map((d) => weaviateObject(d, this.datasetId)));
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
    return this.requireDriver().count(this.requireClass());
  }

  async searchVector(q: VectorQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    if (!(await this.existsBeforeSearch())) return [];
    const found = await this.requireDriver().nearVector(this.requireClass(), Array.from(q.vector), {
      limit: q.k,
      ...this.documentFilter(q.documentIds),
      returnProperties: RETURN_PROPERTIES,
      includeVector: this.config.vectorSearchReturnsVector,
    });
    const threshold = this.config.scoreThreshold;
    return found
      .map((o) => toHit(o, 1 - (o.distance ?? 1)))
      .filter((h): h is Hit => h !== undefined && (threshold === undefined || h.score > threshold))
      .sort((a, b) => b.score - a.score);
  }

  /** BM25 on `text`, in Weaviate's order; score is Weaviate's BM25 score (Dify drops it). */
  async searchFullText(q: TextQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    if (!(await this.existsBeforeSearch())) return [];
    const found = await this.requireDriver().bm25(this.requireClass(), q.text, ['text'], {
      limit: q.k,
      ...this.documentFilter(q.documentIds),
      returnProperties: RETURN_PROPERTIES,
      includeVector: this.config.fullTextReturnsVector,
    });
    return found.map((o) => toHit(o, o.score ?? 0)).filter((h): h is Hit => h !== undefined);
  }

  /** Weaviate's hybrid (BM25 on `text` + nearVector), not Dify's; score is Weaviate's fused score. */
  async searchHybrid(q: HybridQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const found = await this.requireDriver().hybrid(this.requireClass(), q.text, Array.from(q.vector), {
      limit: q.k,
      ...this.documentFilter(q.documentIds),
      returnProperties: ['doc_id', 'text'],
      includeVector: false,
      alpha: this.config.hybrid.alpha,
      fusion: this.config.hybrid.fusion,
      queryProperties: ['text'],
    });
    return found.map((o) => toHit(o, o.score ?? 0)).filter((h): h is Hit => h !== undefined);
  }

  async delete(sel: DeleteSelector): Promise<void> {
    if (!(await this.exists())) return;
    const driver = this.requireDriver();
    const name = this.requireClass();
    if (sel.kind === 'documentId') {
      await driver.deleteWhere(name, { kind: 'equal', property: 'document_id', values: [sel.documentId] });
      return;
    }
    if (sel.ids.length === 0) return;
    if (this.config.deleteByIds === 'docIdContainsAny') {
      await driver.deleteWhere(name, { kind: 'containsAny', property: 'doc_id', values: sel.ids });
      return;
    }
    for (const id of sel.ids) await driver.deleteById(name, objectId(id));
  }

  async dropCollection(): Promise<void> {
    if (await this.exists()) await this.requireDriver().dropClass(this.requireClass());
  }

  async close(): Promise<void> {
    await this.driver?.close();
    this.driver = undefined;
    this.rest = undefined;
  }

  private documentFilter(documentIds: readonly string[] | undefined): { filter?: TextFilter } {
    return documentIds
      ? { filter: { kind: this.config.documentFilter, property: 'document_id', values: documentIds } }
      : {};
  }

  private existsBeforeSearch(): Promise<boolean> {
    return this.config.existsCheck.on === 'everyCall' ? this.exists() : Promise.resolve(true);
  }

  private exists(): Promise<boolean> {
    const rest = this.requireRest();
    const name = this.requireClass();
    return this.config.existsCheck.request === 'class' ? rest.classExists(name) : rest.schemaContains(name);
  }

  private requireRest(): WeaviateRest {
    if (!this.rest) throw new Error('weaviate: connect() first');
    return this.rest;
  }

  private requireDriver(): WeaviateDriver {
    if (!this.driver) throw new Error('weaviate: connect() first');
    return this.driver;
  }

  private requireClass(): string {
    if (!this.className) throw new Error('weaviate: createCollection() first');
    return this.className;
  }
}

function toHit(o: FoundObject, score: number): Hit | undefined {
  const id = o.properties.doc_id;
  if (typeof id !== 'string') return undefined;
  const text = o.properties.text;
  return typeof text === 'string' ? { id, score, text } : { id, score };
}
