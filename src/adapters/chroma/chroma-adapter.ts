import { ChromaClient, type Collection, type CollectionMetadata, type Where } from 'chromadb';
import type {
  Capabilities,
  CollectionSpec,
  DeleteSelector,
  Doc,
  Endpoint,
  Hit,
  StoreAdapter,
  StoreInfo,
  TextQuery,
  VectorQuery,
} from '../store-adapter.js';
import type { ChromaConfig } from './chroma-config.js';
import { chromaCollectionName } from './chroma-collection-name.js';
import { containsAnyWord } from './chroma-full-text.js';
import { chromaMetadata } from './chroma-metadata.js';
import { chromaClientVersion } from './chroma-package.js';

/** Rows per upsert/delete when the server does not say (it always does: pre-flight-checks). */
const FALLBACK_BATCH = 1000;
const SEARCHABLE_TIMEOUT_MS = 60_000;

/**
 * Chroma over its v2 HTTP API with the `chromadb` JS client, the calls Dify's chroma_vector.py
 * makes: a collection per dataset, upsert of ids/documents/embeddings/metadatas, query with a
 * `document_id $in` filter and score = 1 − distance, delete by ids or by `document_id`.
 * The same client serves every local version (0.5.20 serves /api/v2 as well as /api/v1).
 */
export class ChromaAdapter implements StoreAdapter {
  readonly name = 'chroma';
  /** Present only in profiles that answer full text (a substring filter, see chroma-full-text). */
  readonly searchFullText?: (q: TextQuery) => Promise<Hit[]>;

  private client: ChromaClient | undefined;
  private maxBatch = FALLBACK_BATCH;
  private collectionName: string | undefined;
  private collectionMetadata: CollectionMetadata | undefined;
  private datasetId = '';
  private handle: Collection | undefined;

  constructor(
    readonly capabilities: Capabilities,
    private readonly config: ChromaConfig,
  ) {
    if (config.substringFullText) this.searchFullText = (q) => this.substringSearch(q);
  }

  async connect(endpoint: Endpoint): Promise<StoreInfo> {
    const port = endpoint.ports.http;
    if (port === undefined) throw new Error('chroma: endpoint has no "http" port');
    const client = new ChromaClient({ host: endpoint.host, port, ssl: false });
    const version = await client.version();
    this.maxBatch = (await client.getMaxBatchSize()) || FALLBACK_BATCH;
    const base64 = await client.supportsBase64Encoding();
    this.client = client;
    return {
      version,
      settings: {
        client: `chromadb (npm) ${chromaClientVersion()}`,
        api: 'v2',
        maxBatchSize: this.maxBatch,
        base64Embeddings: base64,
        space: this.config.space === 'dify' ? 'Chroma default (l2), as Dify' : 'hnsw:space from the dataset metric',
        scoreThreshold: this.config.scoreThreshold ?? 'none',
        collectionLookupPerCall: this.config.lookUpCollectionPerCall,
      },
    };
  }

  async createCollection(spec: CollectionSpec): Promise<void> {
    this.collectionName = chromaCollectionName(spec.name);
    this.datasetId = spec.name;
    this.collectionMetadata = this.config.space === 'spec' ? { 'hnsw:space': spec.metric } : undefined;
    this.handle = await this.lookUp();
  }

  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    const collection = await this.collection();
    for (let start = 0; start < batch.length; start += this.maxBatch) {
      const chunk = batch.slice(start, start + this.maxBatch);
      await collection.upsert({
        ids: chunk.map((d) => d.id),
        embeddings: chunk.map((d) => Array.from(d.vector)),
        documents: chunk.map((d) => d.text),
        metadatas: chunk.map((d) => chromaMetadata(d, this.datasetId)),
      });
    }
  }

  /**
   * Local Chroma (0.5.20, 1.0.0, 1.5.9) applies a write before answering it: a count or a query
   * right after upsert already sees every row, so this returns after one count. The bounded poll
   * is for servers that index asynchronously (distributed Chroma).
   */
  async waitUntilSearchable(expected: number): Promise<void> {
    const deadline = Date.now() + SEARCHABLE_TIMEOUT_MS;
    for (;;) {
      const count = await this.count();
      if (count >= expected) return;
      if (Date.now() > deadline) {
        throw new Error(`chroma: ${count} of ${expected} rows visible after ${SEARCHABLE_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async count(): Promise<number> {
    return (await this.collection()).count();
  }

  async searchVector(q: VectorQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const collection = await this.collection();
    const result = await collection.query({
      queryEmbeddings: [Array.from(q.vector)],
      nResults: q.k,
      where: documentFilter(q.documentIds),
      include: ['documents', 'metadatas', 'distances'],
    });
    const ids = result.ids[0] ?? [];
    const distances = result.distances[0] ?? [];
    const documents = result.documents[0] ?? [];
    const hits: Hit[] = [];
    ids.forEach((id, i) => {
      const distance = distances[i];
      if (distance === null || distance === undefined) return;
      const score = 1 - distance;
      if (this.config.scoreThreshold !== undefined && score < this.config.scoreThreshold) return;
      const text = documents[i];
      hits.push(text === null || text === undefined ? { id, score } : { id, score, text });
    });
    // Dify sorts by score, descending; Chroma already returns ascending distance.
    return hits.sort((a, b) => b.score - a.score);
  }

  async delete(sel: DeleteSelector): Promise<void> {
    const collection = await this.collection();
    if (sel.kind === 'documentId') {
      await collection.delete({ where: { document_id: { $eq: sel.documentId } } });
      return;
    }
    for (let start = 0; start < sel.ids.length; start += this.maxBatch) {
      await collection.delete({ ids: sel.ids.slice(start, start + this.maxBatch) });
    }
  }

  async dropCollection(): Promise<void> {
    const name = this.requireName();
    await this.requireClient().deleteCollection({ name });
    this.handle = undefined;
  }

  async close(): Promise<void> {
    this.client = undefined;
    this.handle = undefined;
  }

  /**
   * Chunks containing any word of the query (`whereDocument` `$contains`), at most k, in the
   * order Chroma returns them. Chroma does not rank these, so every hit scores 1.
   */
  private async substringSearch(q: TextQuery): Promise<Hit[]> {
    const whereDocument = containsAnyWord(q.text);
    if (!whereDocument || q.documentIds?.length === 0) return [];
    const collection = await this.collection();
    const result = await collection.get({
      whereDocument,
      where: documentFilter(q.documentIds),
      limit: q.k,
      include: ['documents'],
    });
    return result.ids.map((id, i) => {
      const text = result.documents[i];
      return text === null || text === undefined ? { id, score: 1 } : { id, score: 1, text };
    });
  }

  /** Dify resolves the collection with get_or_create_collection before every operation. */
  private async collection(): Promise<Collection> {
    if (this.config.lookUpCollectionPerCall || !this.handle) this.handle = await this.lookUp();
    return this.handle;
  }

  private lookUp(): Promise<Collection> {
    return this.requireClient().getOrCreateCollection({
      name: this.requireName(),
      ...(this.collectionMetadata ? { metadata: this.collectionMetadata } : {}),
      embeddingFunction: null,
    });
  }

  private requireClient(): ChromaClient {
    if (!this.client) throw new Error('chroma: connect() first');
    return this.client;
  }

  private requireName(): string {
    if (!this.collectionName) throw new Error('chroma: createCollection() first');
    return this.collectionName;
  }
}

function documentFilter(documentIds: readonly string[] | undefined): Where | undefined {
  return documentIds ? { document_id: { $in: [...documentIds] } } : undefined;
}
