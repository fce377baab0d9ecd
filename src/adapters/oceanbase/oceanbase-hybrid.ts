import type { HybridQuery } from '../store-adapter.js';

/**
 * The body of `DBMS_HYBRID_SEARCH.SEARCH(table, body)`: an Elasticsearch-like DSL with a `match`
 * on `text` and a `knn` on `vector`, each filtered to the document_ids through the heap table's
 * generated `document_id` column. Without a `rank` clause the server adds each row's keyword
 * (BM25-style) and vector scores; rows found by only one side get that side's score.
 */
export function hybridSearchBody(q: HybridQuery): Record<string, unknown> {
  const filter = q.documentIds ? [{ terms: { document_id: q.documentIds.map(sqlStringContent) } }] : undefined;
  const match = { match: { text: sqlStringContent(q.text) } };
  return {
    query: filter ? { bool: { must: [match], filter } } : match,
    knn: {
      field: 'vector',
      k: q.k,
      query_vector: Array.from(q.vector),
      ...(filter ? { filter } : {}),
    },
    size: q.k,
    _source: ['text', 'metadata'],
  };
}

/**
 * seekdb 1.4's DBMS_HYBRID_SEARCH pastes DSL strings into the SQL it generates as-is
 * (`against('<text>' in natural language mode)`, `document_id IN ('<id>')`): a query holding a
 * quote fails with a syntax error. Escaping them as inside a MySQL string literal makes the
 * generated SQL mean the original text (checked with DBMS_HYBRID_SEARCH.GET_SQL: the same score
 * as a plain MATCH … AGAINST).
 */
export function sqlStringContent(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

export interface HybridRow {
  readonly text?: unknown;
  readonly metadata?: unknown;
  readonly _score?: unknown;
}

/** The function answers a JSON array (mysql2 parses JSON columns; a string is parsed here). */
export function hybridRows(value: unknown): HybridRow[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (parsed === null || parsed === undefined) return [];
  if (!Array.isArray(parsed)) throw new Error('oceanbase: DBMS_HYBRID_SEARCH.SEARCH did not answer an array');
  return parsed as HybridRow[];
}
