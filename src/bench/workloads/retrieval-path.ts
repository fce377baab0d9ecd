import type {
  Collection,
  DeleteSelector,
  Doc,
  Hit,
  HybridQuery,
  RetrievalClient,
  TextQuery,
  VectorQuery,
} from '../../adapters/store-adapter.js';
import type { ClientMode } from '../client-mode.js';

/**
 * The collection the search workloads use. Pooled: the collection itself. Dify: every search
 * opens the adapter's retrieval client, searches through it and closes it, all inside the
 * caller's clock: Dify drops its per-retrieval pool or client when the search function returns,
 * before the answer reaches the user, so closing is on the path the user waits on too. Inserts,
 * counts and deletes stay on the pooled session: the mode is about retrieval.
 */
export function retrievalPath(collection: Collection, mode: ClientMode): Collection {
  if (mode === 'pooled' || !collection.openRetrievalClient) return collection;
  return new PerRetrievalCollection(collection, collection.openRetrievalClient.bind(collection));
}

class PerRetrievalCollection implements Collection {
  readonly name: string;
  readonly searchFullText?: (q: TextQuery) => Promise<Hit[]>;
  readonly searchHybrid?: (q: HybridQuery) => Promise<Hit[]>;

  constructor(
    private readonly inner: Collection,
    private readonly open: () => Promise<RetrievalClient>,
  ) {
    this.name = inner.name;
    // Present exactly when the collection has them, as the capabilities promise.
    if (inner.searchFullText) {
      this.searchFullText = (q) => this.through((c) => searchOrFail(c.searchFullText?.bind(c), 'full-text', this.name)(q));
    }
    if (inner.searchHybrid) {
      this.searchHybrid = (q) => this.through((c) => searchOrFail(c.searchHybrid?.bind(c), 'hybrid', this.name)(q));
    }
  }

  searchVector(q: VectorQuery): Promise<Hit[]> {
    return this.through((c) => c.searchVector(q));
  }

  insert(batch: readonly Doc[]): Promise<void> {
    return this.inner.insert(batch);
  }

  waitUntilSearchable(expected: number): Promise<void> {
    return this.inner.waitUntilSearchable(expected);
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  delete(sel: DeleteSelector): Promise<void> {
    return this.inner.delete(sel);
  }

  drop(): Promise<void> {
    return this.inner.drop();
  }

  /** One retrieval: setup, search, close; a failed close fails the retrieval (a leak would skew the rest). */
  private async through(search: (client: RetrievalClient) => Promise<Hit[]>): Promise<Hit[]> {
    const client = await this.open();
    let hits: Hit[];
    try {
      hits = await search(client);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    await client.close();
    return hits;
  }
}

function searchOrFail<Q>(
  search: ((q: Q) => Promise<Hit[]>) | undefined,
  kind: string,
  name: string,
): (q: Q) => Promise<Hit[]> {
  if (search) return search;
  return () => Promise.reject(new Error(`${name}: the retrieval client has no ${kind} search, though the collection has`));
}
