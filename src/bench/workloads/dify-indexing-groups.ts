import type { Doc } from '../../adapters/store-adapter.js';
import { difyDocHash } from '../../adapters/dify-metadata.js';

/** IndexingRunner._load's `max_workers`: threads, and groups per document. */
export const DIFY_INDEXING_WORKERS = 10;

/**
 * How Dify's IndexingRunner._load (api/core/indexing_runner.py) hands one document's chunks to
 * its thread pool: chunk i goes to group `int(generate_text_hash(page_content), 16) % max_workers`
 * (hashing by content keeps equal texts in one thread, "to avoid database insertion deadlocks"),
 * groups keep the chunks' order, empty groups are skipped, and each group is one
 * `index_processor.load` (one Vector.create of the whole group) on its own thread.
 */
export function difyIndexingGroups(chunks: readonly Doc[], workers = DIFY_INDEXING_WORKERS): Doc[][] {
  const groups: Doc[][] = Array.from({ length: workers }, () => []);
  const modulus = BigInt(workers);
  for (const chunk of chunks) {
    const index = Number(BigInt(`0x${difyDocHash(chunk.text)}`) % modulus);
    (groups[index] as Doc[]).push(chunk);
  }
  return groups.filter((g) => g.length > 0);
}

/** The dataset's chunks per Dify document, documents in order of their first chunk: the runner indexes one document at a time. */
export function chunksByDocument(chunks: readonly Doc[]): Doc[][] {
  const byDocument = new Map<string, Doc[]>();
  for (const chunk of chunks) {
    const list = byDocument.get(chunk.documentId);
    if (list) list.push(chunk);
    else byDocument.set(chunk.documentId, [chunk]);
  }
  return [...byDocument.values()];
}
