import type { Metadata } from 'chromadb';
import { difyChunkMetadata } from '../dify-metadata.js';
import type { Doc } from '../store-adapter.js';

/**
 * The metadata Dify stores with each chunk: doc_id (also the Chroma id), doc_hash, document_id and
 * dataset_id, plus the dataset's own scalar metadata. Chroma metadata values must be scalars.
 */
export function chromaMetadata(doc: Doc, datasetId: string): Metadata {
  const extra: Metadata = {};
  for (const [key, value] of Object.entries(doc.metadata ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      extra[key] = value;
    }
  }
  return { ...extra, ...difyChunkMetadata(doc, datasetId) };
}
