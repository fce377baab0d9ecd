/**
 * The contract every store implements. It is deliberately small: the harness times calls and
 * computes quality from returned ids; an adapter only translates to the store's API.
 */

export type Metric = 'cosine' | 'l2' | 'ip';

/** What a store (in a given profile) can do. The report prints "not supported" for a false flag. */
export interface Capabilities {
  /** Filter a vector or text search to a set of Dify document_ids. */
  readonly documentIdFilter: boolean;
  /** Ranked full-text search (searchFullText). */
  readonly fullText: boolean;
  /** A store-native hybrid query (searchHybrid); Dify's own hybrid is a harness workload. */
  readonly nativeHybrid: boolean;
  readonly metrics: readonly Metric[];
  /** One line per caveat a reader of the results should know, e.g. how full text ranks. */
  readonly notes: readonly string[];
}

/** Where a started server listens. `ports` holds every named port the recipe asked for. */
export interface Endpoint {
  readonly host: string;
  readonly ports: Readonly<Record<string, number>>;
}

export interface StoreInfo {
  /** The server's own version string, as the server reports it. */
  readonly version: string;
  /** Settings worth recording in results (index parameters, client version, ...). */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
}

export interface CollectionSpec {
  /** A name unique to this run; adapters derive the store's table/collection name from it. */
  readonly name: string;
  readonly dims: number;
  readonly metric: Metric;
}

export interface Doc {
  readonly id: string;
  readonly documentId: string;
  readonly text: string;
  readonly vector: Float32Array;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface VectorQuery {
  readonly vector: Float32Array;
  readonly k: number;
  /**
   * Only chunks of these Dify documents. Undefined means no filter; the harness never sends an
   * empty list (Dify treats [] as no filter; adapters may answer it with no hits).
   */
  readonly documentIds?: readonly string[];
}

export interface TextQuery {
  readonly text: string;
  readonly k: number;
  readonly documentIds?: readonly string[];
}

export interface HybridQuery {
  readonly text: string;
  readonly vector: Float32Array;
  readonly k: number;
  readonly documentIds?: readonly string[];
}

/** One answer. `score` is higher-is-better in the store's own scale, as Dify would see it. */
export interface Hit {
  readonly id: string;
  readonly score: number;
  /** The chunk text; Dify's hybrid re-scores on it. Adapters return it when the store does. */
  readonly text?: string;
}

export type DeleteSelector =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'documentId'; readonly documentId: string };

export interface StoreAdapter {
  /** Dify's VECTOR_STORE name, e.g. "pgvector". */
  readonly name: string;
  readonly capabilities: Capabilities;
  connect(endpoint: Endpoint): Promise<StoreInfo>;
  createCollection(spec: CollectionSpec): Promise<void>;
  insert(batch: readonly Doc[]): Promise<void>;
  /** Resolves once `expected` docs are visible to search (stores with async indexing wait here). */
  waitUntilSearchable(expected: number): Promise<void>;
  /** Rows the collection holds now; used to check deletes really removed rows. */
  count(): Promise<number>;
  searchVector(q: VectorQuery): Promise<Hit[]>;
  searchFullText?(q: TextQuery): Promise<Hit[]>;
  searchHybrid?(q: HybridQuery): Promise<Hit[]>;
  delete(sel: DeleteSelector): Promise<void>;
  dropCollection(): Promise<void>;
  close(): Promise<void>;
}
