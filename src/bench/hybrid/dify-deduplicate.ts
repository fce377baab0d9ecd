/** A hit as Dify's Document carries it into the merge: id (metadata.doc_id), optional metadata.score. */
export interface ScoredHit {
  readonly id: string;
  readonly score?: number;
}

/**
 * RetrievalService._deduplicate_documents (langgenius/dify api/core/rag/datasource/retrieval_service.py,
 * commit 8c5a725819d26be0bbd2cb80562e2157ac5a247a), for Dify-provider documents with a doc_id:
 * - the result keeps the order in which each chunk first arrived;
 * - a later copy replaces the kept one only if it has a score and that score is strictly higher
 *   than the kept one's, a kept copy without a score counting as 0.0. So on a tie the first copy
 *   stays, a later copy without a score never replaces, and a scoreless first copy gives way to a
 *   later copy with a positive score.
 */
export function deduplicateByScore<T extends ScoredHit>(hits: readonly T[]): T[] {
  const chosen = new Map<string, T>();
  for (const hit of hits) {
    const kept = chosen.get(hit.id);
    if (kept === undefined) {
      chosen.set(hit.id, hit);
    } else if (hit.score !== undefined && hit.score > (kept.score ?? 0)) {
      chosen.set(hit.id, hit); // Map.set on an existing key keeps its first-seen position.
    }
  }
  return [...chosen.values()];
}
