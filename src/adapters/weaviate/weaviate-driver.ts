/**
 * What the adapter needs from one way of talking to Weaviate: gRPC through weaviate-client, or
 * REST + GraphQL through fetch. Both speak these neutral shapes; the adapter holds Dify's logic.
 */

/** A text filter on one property. `equal` takes exactly one value. */
export interface TextFilter {
  readonly kind: 'equal' | 'orEqual' | 'containsAny';
  readonly property: string;
  readonly values: readonly string[];
}

export interface PropertyDefinition {
  readonly name: string;
  readonly dataType: 'text' | 'int' | 'boolean';
  /** Omitted: the server's default (`word` for text). */
  readonly tokenization?: string;
}

export interface ClassDefinition {
  readonly name: string;
  readonly properties: readonly PropertyDefinition[];
  /** HNSW `ef` at query time; undefined keeps Weaviate's dynamic ef, as Dify. */
  readonly ef?: number;
}

export interface WeaviateObject {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly vector: readonly number[];
}

export interface FoundObject {
  readonly properties: Readonly<Record<string, unknown>>;
  readonly distance?: number;
  readonly score?: number;
}

export interface SearchOptions {
  readonly limit: number;
  readonly filter?: TextFilter;
  readonly returnProperties: readonly string[];
  readonly includeVector: boolean;
}

export interface HybridOptions extends SearchOptions {
  readonly alpha: number;
  readonly fusion: 'relativeScore' | 'ranked';
  readonly queryProperties: readonly string[];
}

export interface WeaviateDriver {
  /** How it talks, for results: e.g. "gRPC + REST (weaviate-client 3.12.1)". */
  readonly api: string;
  /** The hybrid fusion this server actually applies for the requested one. */
  fusionFor(requested: 'relativeScore' | 'ranked'): 'relativeScore' | 'ranked';
  createClass(definition: ClassDefinition): Promise<void>;
  insert(className: string, objects: readonly WeaviateObject[]): Promise<void>;
  count(className: string): Promise<number>;
  nearVector(className: string, vector: readonly number[], options: SearchOptions): Promise<FoundObject[]>;
  bm25(className: string, text: string, queryProperties: readonly string[], options: SearchOptions): Promise<FoundObject[]>;
  hybrid(className: string, text: string, vector: readonly number[], options: HybridOptions): Promise<FoundObject[]>;
  /** Deletes every object the filter matches; resolves to how many. */
  deleteWhere(className: string, filter: TextFilter): Promise<number>;
  /** Deletes one object by UUID; a missing object is not an error. */
  deleteById(className: string, id: string): Promise<void>;
  dropClass(className: string): Promise<void>;
  close(): Promise<void>;
}
