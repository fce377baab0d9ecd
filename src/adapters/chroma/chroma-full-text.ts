import type { WhereDocument } from 'chromadb';

/**
 * Chroma's only text operator is `whereDocument` `$contains`: a case-sensitive substring filter
 * (SQLite FTS5 trigram index), not a ranked search. A query becomes an `$or` of `$contains` over
 * its words, so a chunk matches when it contains any of them. Undefined when the query has no
 * words.
 */
export function containsAnyWord(text: string): WhereDocument | undefined {
  const words = [...new Set(text.split(/[\s\p{P}\p{S}]+/u).filter((w) => w.length > 0))];
  if (words.length === 0) return undefined;
  const clauses: WhereDocument[] = words.map((w) => ({ $contains: w }));
  return clauses.length === 1 ? clauses[0] : { $or: clauses };
}
