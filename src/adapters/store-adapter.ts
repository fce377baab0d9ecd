import type { Endpoint } from '../runtime/endpoint.js';

/**
 * The contract every store implements. It is deliberately small: the harness times calls and
 * computes quality from returned ids; an adapter only translates to the store's API.
 */

export type Metric = 'cosine' | 'l2' | 'ip';

/** What a store (in a given profile) can do. The report prints "not supported" for a false flag. */
export interface Capabilities {
  /** Filter a vector or text search to a set of Dify document_ids. */
  readonly documentIdFilter: boolean;
  /** Full-text search (searchFullText). */
  readonly fullText: boolean;
  /**
   * Whether full-text hits come back best first. False for a filter with no ranking (Dify's Qdrant
   * full text: a scroll in storage order); the report calls such a full text "unranked".
   */
  readonly fullTextRanked: boolean;
  /** A store-native hybrid query (searchHybrid); Dify's own hybrid is a harness workload. */
  readonly nativeHybrid: boolean;
  readonly metrics: readonly Metric[];
  /** One line per caveat a reader of the results should know, e.g. how full text ranks. */
  readonly notes: readonly string[];
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

/** One answer, as Dify would see it. */
export interface Hit {
  readonly id: string;
  /**
   * Higher is better, in the store's own scale. Absent when the store's answer carries no score
   * as Dify asks for it (Dify's Qdrant full text is a filtered scroll; its Weaviate BM25 asks for
   * no score): Dify's hybrid then computes the vector part itself.
   */
  readonly score?: number;
  /** The chunk text; Dify's hybrid re-scores on it. Adapters return it when the store does. */
  readonly text?: string;
}

export type DeleteSelector =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'documentId'; readonly documentId: string };

/**
 * A store's client library, before it is connected. Stateless: every connection is a session,
 * every collection a handle, so one adapter serves any number of knowledge bases (`bench kb`).
 * The store's name and the profile's capabilities live on its StoreDefinition / StoreProfile.
 */
export interface StoreAdapter {
  connect(endpoint: Endpoint): Promise<StoreSession>;
}

/** One connection (or pool) to a running server. */
export interface StoreSession {
  /** The server's version and the settings worth recording, read once at connect. */
  readonly info: StoreInfo;
  /**
   * What this profile can do on this server version (a profile may declare, say, native hybrid
   * only from the version that has it). Usually the profile's own capabilities.
   */
  readonly capabilities: Capabilities;
  /**
   * Creates the store's collection/table/class for `spec` (as Dify would) and returns its handle.
   * Like Dify's create_collection it creates only what is absent: for a collection the server
   * already holds, it returns a handle to it with its rows intact. That is how another session
   * opens a collection (the gate gives each side a new connection every round).
   */
  createCollection(spec: CollectionSpec): Promise<Collection>;
  /**
   * Whether the store already holds the collection `spec.name` maps to. The harness asks before
   * creating one and refuses to use a collection it did not create (an external server's data).
   */
  collectionExists(name: string): Promise<boolean>;
  /**
   * Removes the collection `name` maps to, wholly and whatever state it is in, and succeeds when it
   * is absent: the harness's own cleanup at the end of a run and after a failure. Not Dify's
   * delete (Collection.drop), which for some stores leaves the collection in place.
   */
  removeCollection(name: string): Promise<void>;
  close(): Promise<void>;
}

/** One Dify knowledge base: a collection, table or class the session created. */
export interface Collection {
  /** The store-side name (table, class, collection), for logs and errors. */
  readonly name: string;
  insert(batch: readonly Doc[]): Promise<void>;
  /** Resolves once `expected` docs are visible to search (stores with async indexing wait here). */
  waitUntilSearchable(expected: number): Promise<void>;
  /** Rows the collection holds now; used to check deletes really removed rows. */
  count(): Promise<number>;
  searchVector(q: VectorQuery): Promise<Hit[]>;
  /** Present exactly when the session's capabilities say fullText. */
  searchFullText?(q: TextQuery): Promise<Hit[]>;
  /** Present exactly when the session's capabilities say nativeHybrid. */
  searchHybrid?(q: HybridQuery): Promise<Hit[]>;
  delete(sel: DeleteSelector): Promise<void>;
  drop(): Promise<void>;
  /**
   * The client Dify builds for one retrieval (`--client dify`): Dify's RetrievalService makes a new
   * `Vector(dataset)` for every vector and every full-text search, and each store's `*_vector.py`
   * does its own setup in that constructor (a new connection pool, a readiness probe, ...). This
   * does that setup and returns a client that answers through it; the caller closes it after the
   * one search. Absent where Dify's code does no per-retrieval setup: the harness then searches
   * this collection itself.
   */
  openRetrievalClient?(): Promise<RetrievalClient>;
}

/** The searches of one collection as one Dify retrieval's freshly built client sees them. */
export interface RetrievalClient {
  searchVector(q: VectorQuery): Promise<Hit[]>;
  searchFullText?(q: TextQuery): Promise<Hit[]>;
  searchHybrid?(q: HybridQuery): Promise<Hit[]>;
  /** Ends what the setup opened (Dify's pool or client is dropped when the retrieval returns). */
  close(): Promise<void>;
}
