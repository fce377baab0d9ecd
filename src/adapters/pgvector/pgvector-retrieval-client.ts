import pg from 'pg';
import type { Hit, RetrievalClient, TextQuery, VectorQuery } from '../store-adapter.js';

/** What a search runs on: the session's pool, or one retrieval's own client (prepared statements too). */
export type Queryable = pg.Pool | pg.Client;

/** The searches a collection offers over a given connection. */
interface Searches {
  searchVector(q: VectorQuery): Promise<Hit[]>;
  searchFullText(q: TextQuery): Promise<Hit[]>;
}

/**
 * One Dify retrieval's connection. Dify's PGVector.__init__ (api/providers/vdb/vdb-pgvector/src/
 * dify_vdb_pgvector/pgvector.py, `_create_connection_pool`) builds a psycopg2
 * SimpleConnectionPool(PGVECTOR_MIN_CONNECTION = 1, PGVECTOR_MAX_CONNECTION = 5) for every
 * `Vector(dataset)`, and RetrievalService builds a Vector per search: the pool opens its one
 * connection at once, so every retrieval starts a new PostgreSQL backend (fork, authentication,
 * and the vector extension loaded again on the first query), and the connection closes when the
 * Vector is dropped at the end of the search. This opens one node-postgres client with the same
 * settings as the pooled connections, searches through it, and ends it on close.
 */
export async function openPgvectorRetrievalClient(
  connection: pg.ClientConfig,
  searchesOn: (db: Queryable) => Searches,
): Promise<RetrievalClient> {
  const client = new pg.Client(connection);
  // A connection that dies between queries emits on the client; the next query reports it instead.
  client.on('error', () => undefined);
  await client.connect();
  const searches = searchesOn(client);
  return {
    searchVector: (q) => searches.searchVector(q),
    searchFullText: (q) => searches.searchFullText(q),
    close: () => client.end(),
  };
}
