import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import type {
  Collection,
  DeleteSelector,
  Doc,
  Hit,
  HybridQuery,
  RetrievalClient,
  TextQuery,
  VectorQuery,
} from '../store-adapter.js';
import { DENSE_VECTOR_NAME, DIFY_MAX_KEYWORDS, SPARSE_VECTOR_NAME, type QdrantConfig } from './qdrant-config.js';
import { pointId } from './qdrant-names.js';
import { CONTENT_KEY, DOC_ID_KEY, DOCUMENT_ID_KEY, GROUP_KEY, hitOf, qdrantPayload } from './qdrant-payload.js';
import type { QdrantReads } from './qdrant-reads.js';
import { documentSparseVector, querySparseVector } from './qdrant-sparse.js';

type Filter = Schemas['Filter'];
type Condition = Schemas['FieldCondition'];

const SEARCHABLE_TIMEOUT_MS = 60_000;

/** What the session resolved for this collection: names, the server's features, the score sign. */
export interface CollectionSetup {
  readonly name: string;
  /** Dify's group_id (the knowledge base's dataset id), also metadata.dataset_id. */
  readonly datasetId: string;
  /** Native hybrid on this server (Query API, ≥ 1.10) and the profile asks for it. */
  readonly hybrid: boolean;
  /** Qdrant answers Euclid as a distance (lower is better); the harness's score is higher-is-better. */
  readonly negateScore: boolean;
  /** A new connection pool for reads to the same server, as Dify builds a client per retrieval (openRetrievalClient). */
  readonly newReads: () => QdrantReads;
}

/**
 * One knowledge base in Qdrant, as Dify's QdrantVector handles it (profile `dify`): points carry
 * page_content, metadata and group_id; every read is filtered by group_id; full text is Dify's
 * unranked MatchText scroll. Profile `native`: named dense + BM25-style sparse vectors, ranked
 * sparse full text and, on servers with the Query API, an RRF hybrid.
 */
export class QdrantCollection implements Collection {
  readonly name: string;
  /** Present only when the server has the Query API and the profile uses it (see session capabilities). */
  readonly searchHybrid?: (q: HybridQuery) => Promise<Hit[]>;

  /**
   * `client` (the official REST client) writes, counts and deletes; `reads` sends the searches a
   * workload times (qdrant-reads.ts says why they are not sent through the client).
   */
  constructor(
    private readonly client: QdrantClient,
    private readonly reads: QdrantReads,
    private readonly config: QdrantConfig,
    private readonly setup: CollectionSetup,
  ) {
    this.name = setup.name;
    if (setup.hybrid) this.searchHybrid = (q) => this.hybrid(q);
  }

  /**
   * The client Dify builds per retrieval: QdrantVector.__init__ (api/providers/vdb/vdb-qdrant/src/
   * dify_vdb_qdrant/qdrant_vector.py) calls `qdrant_client.QdrantClient(url=...)` for every Vector.
   * qdrant-client 1.9.0 (Dify's pin) sends nothing from its constructor (the version check came
   * in 1.12) and Dify's search checks nothing first, so the cost is the new client alone: a new
   * httpx client in Python, whose first request opens a new TCP connection, closed when the
   * dropped Vector's client is collected. Here likewise: a retrieval searches through a new read
   * pool, so its first request opens a new connection, and closing the retrieval closes it
   * (test/integration/client-path.test.ts counts one per retrieval). Writes never go through it.
   */
  async openRetrievalClient(): Promise<RetrievalClient> {
    const reads = this.setup.newReads();
    const fresh = new QdrantCollection(this.client, reads, this.config, this.setup);
    const { searchFullText, searchHybrid } = fresh;
    return {
      searchVector: (q) => fresh.searchVector(q),
      ...(searchFullText ? { searchFullText: searchFullText.bind(fresh) } : {}),
      ...(searchHybrid ? { searchHybrid } : {}),
      close: () => reads.close(),
    };
  }

  async insert(batch: readonly Doc[]): Promise<void> {
    const size = this.config.insertBatchSize ?? Math.max(batch.length, 1);
    for (let start = 0; start < batch.length; start += size) {
      const points = batch.slice(start, start + size).map((d) => this.point(d));
      // wait=true: as qdrant-client's upsert default, the call returns once the points are applied.
      await this.client.upsert(this.name, { wait: true, points });
    }
  }

  /**
   * An upsert with wait=true answers once its points are in the segments, where search finds
   * them (unindexed segments are scanned); the bounded count poll covers any other case.
   */
  async waitUntilSearchable(expected: number): Promise<void> {
    const deadline = Date.now() + SEARCHABLE_TIMEOUT_MS;
    for (;;) {
      const count = await this.count();
      if (count === expected) return;
      if (Date.now() > deadline) {
        throw new Error(`qdrant: ${this.name} shows ${count} points, expected ${expected}, after ${SEARCHABLE_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Exact count of this knowledge base's points (its group only, in the dify profile). */
  async count(): Promise<number> {
    const filter = this.baseFilter(undefined);
    const answer = await this.client.count(this.name, { exact: true, ...(filter ? { filter } : {}) });
    return answer.count;
  }

  /**
   * Dify's search_by_vector: POST /points/search filtered by group_id (and metadata.document_id
   * MatchAny), limit top_k, payload and vectors, score_threshold (0.0 by default); Dify returns []
   * for a threshold ≥ 1 and keeps hits scoring ≥ the threshold, best first.
   */
  async searchVector(q: VectorQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const threshold = this.config.scoreThreshold;
    if (threshold !== undefined && threshold >= 1) return [];
    const filter = this.baseFilter(q.documentIds);
    const vector = Array.from(q.vector);
    const found = await this.reads.post(this.name, 'search', {
      vector: this.config.profile === 'native' ? { name: DENSE_VECTOR_NAME, vector } : vector,
      limit: q.k,
      with_payload: true,
      with_vector: this.config.returnVectors,
      ...(filter ? { filter } : {}),
      ...(threshold !== undefined ? { score_threshold: threshold } : {}),
      ...(this.config.hnswEf !== undefined ? { params: { hnsw_ef: Math.trunc(this.config.hnswEf) } } : {}),
    });
    return found
      .map((p) => hitOf(p, this.setup.negateScore ? -p.score : p.score, this.name))
      .filter((h) => threshold === undefined || (h.score ?? 0) >= threshold)
      .sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  }

  searchFullText(q: TextQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return Promise.resolve([]);
    return this.config.fullText === 'difyScroll' ? this.difyFullText(q) : this.sparseFullText(q);
  }

  async delete(sel: DeleteSelector): Promise<void> {
    if (sel.kind === 'ids' && sel.ids.length === 0) return;
    try {
      if (sel.kind === 'documentId') {
        // Dify's delete_by_metadata_field("document_id", id): metadata.document_id MatchValue.
        await this.client.delete(this.name, { wait: true, filter: must([matchValue(DOCUMENT_ID_KEY, sel.documentId)]) });
      } else if (this.config.profile === 'dify') {
        // Dify's delete_by_ids: one delete, metadata.doc_id MatchAny (not the point ids).
        await this.client.delete(this.name, { wait: true, filter: must([matchAny(DOC_ID_KEY, sel.ids)]) });
      } else {
        await this.client.delete(this.name, { wait: true, points: sel.ids.map(pointId) });
      }
    } catch (error) {
      // Dify ignores a 404 (the collection does not exist).
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * Dify's delete(): the knowledge base's points by group_id; the collection stays (other
   * knowledge bases may share it, and Dify never drops a Qdrant collection). Native: the collection.
   */
  async drop(): Promise<void> {
    try {
      if (this.config.drop === 'groupPoints') {
        await this.client.delete(this.name, { wait: true, filter: must([matchValue(GROUP_KEY, this.setup.datasetId)]) });
      } else {
        await this.client.deleteCollection(this.name);
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * Dify's search_by_full_text: the query split on whitespace, deduplicated, first 10 keywords;
   * for each keyword in turn one scroll whose filter MUSTs group_id, the document filter and
   * MatchText(keyword) on page_content (all of the keyword's tokens, by the text index's
   * tokenizer), limit top_k; points are appended in scroll order (point id order), skipping ones
   * already found, until top_k. So a hit is any chunk holding any keyword, unranked: no score.
   * (langgenius/dify#31658, merged Jan 2026; before it Dify made one scroll with MatchText of the
   * whole query, which Qdrant answers with chunks holding every token.)
   */
  private async difyFullText(q: TextQuery): Promise<Hit[]> {
    const keywords = [...new Set(q.text.trim().split(/\s+/).filter((k) => k.length > 0))].slice(0, DIFY_MAX_KEYWORDS);
    const base = this.conditions(q.documentIds);
    const seen = new Set<string | number>();
    const hits: Hit[] = [];
    for (const keyword of keywords) {
      const { points } = await this.reads.post(this.name, 'scroll', {
        filter: must([...base, { key: CONTENT_KEY, match: { text: keyword } }]),
        limit: q.k,
        with_payload: true,
        with_vector: this.config.returnVectors,
      });
      for (const point of points) {
        if (seen.has(point.id)) continue;
        seen.add(point.id);
        hits.push(hitOf(point, undefined, this.name));
        if (hits.length >= q.k) return hits;
      }
    }
    return hits;
  }

  /** Native full text: a search on the BM25-style sparse vector; score = Σ (idf·) query·doc weights. */
  private async sparseFullText(q: TextQuery): Promise<Hit[]> {
    const sparse = querySparseVector(q.text);
    if (sparse.indices.length === 0) return [];
    const filter = this.baseFilter(q.documentIds);
    const found = await this.reads.post(this.name, 'search', {
      vector: { name: SPARSE_VECTOR_NAME, vector: sparse },
      limit: q.k,
      with_payload: [CONTENT_KEY, 'metadata'],
      ...(filter ? { filter } : {}),
    });
    return found.map((p) => hitOf(p, p.score, this.name));
  }

  /**
   * Qdrant's hybrid (Query API): two prefetches — the dense vector and the sparse BM25-style
   * vector, each taking max(20, 2k) candidates under the same filter — fused by reciprocal rank
   * fusion; score is the RRF score. A query with no terms prefetches the dense side only.
   */
  private async hybrid(q: HybridQuery): Promise<Hit[]> {
    if (q.documentIds?.length === 0) return [];
    const filter = this.baseFilter(q.documentIds);
    const limit = Math.max(20, 2 * q.k);
    const sparse = querySparseVector(q.text);
    const prefetch: Schemas['Prefetch'][] = [
      { query: Array.from(q.vector), using: DENSE_VECTOR_NAME, limit, ...(filter ? { filter } : {}) },
    ];
    if (sparse.indices.length > 0) {
      prefetch.push({ query: sparse, using: SPARSE_VECTOR_NAME, limit, ...(filter ? { filter } : {}) });
    }
    const answer = await this.reads.post(this.name, 'query', {
      prefetch,
      query: { fusion: 'rrf' },
      limit: q.k,
      with_payload: [CONTENT_KEY, 'metadata'],
      ...(filter ? { filter } : {}),
    });
    return answer.points.map((p) => hitOf(p, p.score, this.name));
  }

  private point(doc: Doc): Schemas['PointStruct'] {
    const dense = Array.from(doc.vector);
    return {
      id: pointId(doc.id),
      vector:
        this.config.profile === 'native'
          ? { [DENSE_VECTOR_NAME]: dense, [SPARSE_VECTOR_NAME]: documentSparseVector(doc.text) }
          : dense,
      payload: { ...qdrantPayload(doc, this.setup.datasetId, this.config.groupId) },
    };
  }

  /** The MUST conditions every read carries: group_id (dify) and metadata.document_id MatchAny. */
  private conditions(documentIds: readonly string[] | undefined): Condition[] {
    const out: Condition[] = [];
    if (this.config.groupId) out.push(matchValue(GROUP_KEY, this.setup.datasetId));
    if (documentIds && documentIds.length > 0) out.push(matchAny(DOCUMENT_ID_KEY, documentIds));
    return out;
  }

  private baseFilter(documentIds: readonly string[] | undefined): Filter | undefined {
    const conditions = this.conditions(documentIds);
    return conditions.length > 0 ? must(conditions) : undefined;
  }
}

function must(conditions: Condition[]): Filter {
  return { must: conditions };
}

function matchValue(key: string, value: string): Condition {
  return { key, match: { value } };
}

function matchAny(key: string, values: readonly string[]): Condition {
  return { key, match: { any: [...values] } };
}

/** The REST client's error for a 404 (its message starts with the status). */
function isNotFound(error: unknown): boolean {
  return error instanceof Error && /^Unexpected Response: 404\b/.test(error.message);
}
