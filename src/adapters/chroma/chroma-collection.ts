import { ChromaClient, type Collection as ChromaHandle, type CollectionMetadata, type Where } from 'chromadb';
import type { Collection, DeleteSelector, Doc, Hit, RetrievalClient, TextQuery, VectorQuery } from '../store-adapter.js';
import type { ChromaConfig } from './chroma-config.js';
import { containsAnyWord } from './chroma-full-text.js';
import { chromaMetadata } from './chroma-metadata.js';

const SEARCHABLE_TIMEOUT_MS = 60_000;

export interface ChromaCollectionPlace {
  /** Chroma's collection name (chromaCollectionName of the run's name). */
  readonly name: string;
  /** The run's collection name, kept in every chunk's metadata as Dify's dataset_id. */
  readonly datasetId: string;
  /** `hnsw:space` where the profile sets it; undefined keeps Chroma's default, as Dify. */
  readonly metadata: CollectionMetadata | undefined;
  /** Rows per upsert/delete, as the server allows. */
  readonly maxBatch: number;
  /** The server, for the client Dify builds per retrieval (openRetrievalClient). */
  readonly server: ChromaServer;
}

/** How a client reaches the server: the session's and every per-retrieval one alike. */
export interface ChromaServer {
  readonly host: string;
  readonly port: number;
  /** https (an external endpoint with TLS). */
  readonly ssl: boolean;
  /** The auth header (revealed only when a client is built; never kept as text here). */
  readonly headers: () => Record<string, string>;
}

export function newChromaClient(server: ChromaServer): ChromaClient {
  return new ChromaClient({ host: server.host, port: server.port, ssl: server.ssl, headers: server.headers() });
}

const DEFAULT_TENANT = 'default_tenant';
const DEFAULT_DATABASE = 'default_database';

/**
 * One Chroma collection, used as Dify's chroma_vector.py uses it: upsert of
 * ids/documents/embeddings/metadatas, query with a `document_id $in` filter and score
 * 1 − distance, delete by ids or by `document_id`.
 */
export class ChromaCollection implements Collection {
  readonly name: string;
  /** Present only in profiles that answer full text (a substring filter, see chroma-full-text). */
  readonly searchFullText?: (q: TextQuery) => Promise<Hit[]>;
  private handle: ChromaHandle | undefined;

  constructor(
    private readonly client: ChromaClient,
    private readonly config: ChromaConfig,
    private readonly place: ChromaCollectionPlace,
  ) {
    this.name = place.name;
    if (config.substringFullText) this.searchFullText = (q) => this.substringSearch(q);
  }

  /** Creates (or finds) the collection on the server. */
  async open(): Promise<void> {
    this.handle = await this.lookUp();
  }

  async insert(batch: readonly Doc[]): Promise<void> {
    if (batch.length === 0) return;
    const collection = await this.collection();
    const { maxBatch, datasetId } = this.place;
    for (let start = 0; start < batch.length; start += maxBatch) {
      const chunk = batch.slice(start, start + maxBatch);
      await collection.upsert({
        ids: chunk.map((d) => d.id),
        embeddings: chunk.map((d) => Array.from(d.vector)),
        documents: chunk.map((d) => d.text),
        metadatas: chunk.map((d) => chromaMetadata(d, datasetId)),
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
    const hits: { id: string; score: number; text?: string }[] = [];
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
    const { maxBatch } = this.place;
    for (let start = 0; start < sel.ids.length; start += maxBatch) {
      await collection.delete({ ids: sel.ids.slice(start, start + maxBatch) });
    }
  }

  async drop(): Promise<void> {
    await this.client.deleteCollection({ name: this.name });
    this.handle = undefined;
  }

  /**
   * The client Dify builds per retrieval: ChromaVector.__init__ (api/providers/vdb/vdb-chroma/src/
   * dify_vdb_chroma/chroma_vector.py) calls `chromadb.HttpClient(...)` for every Vector, and
   * chromadb 0.5.20's Client constructor validates its tenant and database on the server
   * (`_validate_tenant_database`: GET tenant, GET database) before the first call; the search then
   * resolves the collection with get_or_create_collection, as every Dify call does. The Python
   * client shares one HTTP session per host (SharedSystemClient), so no new TCP connection; neither
   * does this (Node's fetch pool). A fresh collection handle over a fresh client does the rest.
   */
  async openRetrievalClient(): Promise<RetrievalClient> {
    const { server } = this.place;
    const base = `${server.ssl ? 'https' : 'http'}://${server.host}:${server.port}/api/v2/tenants/${DEFAULT_TENANT}`;
    for (const url of [base, `${base}/databases/${DEFAULT_DATABASE}`]) {
      const res = await fetch(url, { headers: server.headers(), signal: AbortSignal.timeout(SEARCHABLE_TIMEOUT_MS) });
      const body = await res.text();
      if (!res.ok) throw new Error(`chroma: GET ${url} answered ${res.status}: ${body.slice(0, 200)}`);
    }
    const fresh = new ChromaCollection(newChromaClient(server), this.config, this.place);
    const client: RetrievalClient = { searchVector: (q) => fresh.searchVector(q), close: async () => {} };
    const { searchFullText } = fresh;
    return searchFullText ? { ...client, searchFullText } : client;
  }

  /**
   * Chunks containing any word of the query (`whereDocument` `$contains`), at most k, in the
   * order Chroma returns them. Chroma does not rank these, so hits carry no score
   * (capabilities: fullTextRanked false).
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
      return text === null || text === undefined ? { id } : { id, text };
    });
  }

  /** Dify resolves the collection with get_or_create_collection before every operation. */
  private async collection(): Promise<ChromaHandle> {
    if (this.config.lookUpCollectionPerCall || !this.handle) this.handle = await this.lookUp();
    return this.handle;
  }

  private lookUp(): Promise<ChromaHandle> {
    return this.client.getOrCreateCollection({
      name: this.name,
      ...(this.place.metadata ? { metadata: this.place.metadata } : {}),
      embeddingFunction: null,
    });
  }
}

function documentFilter(documentIds: readonly string[] | undefined): Where | undefined {
  return documentIds ? { document_id: { $in: [...documentIds] } } : undefined;
}
