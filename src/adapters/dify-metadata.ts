import { createHash } from 'node:crypto';
import type { Doc } from './store-adapter.js';

/**
 * Dify's doc_hash: `helper.generate_text_hash(text)`, sha256 of the text followed by the string
 * "None" (api/libs/helper.py; Dify 0.6.x to 1.13.x), hex.
 */
export function difyDocHash(text: string): string {
  return createHash('sha256').update(`${text}None`).digest('hex');
}

/** The four keys Dify's indexing runner puts in every chunk's metadata, whatever the store. */
export interface DifyChunkMetadata {
  readonly doc_id: string;
  readonly doc_hash: string;
  readonly document_id: string;
  readonly dataset_id: string;
}

/** A chunk's Dify metadata; `datasetId` is the knowledge base's id (here: the collection's name). */
export function difyChunkMetadata(doc: Doc, datasetId: string): DifyChunkMetadata {
  return { doc_id: doc.id, doc_hash: difyDocHash(doc.text), document_id: doc.documentId, dataset_id: datasetId };
}
