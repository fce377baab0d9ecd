import { difyDocHash } from '../dify-metadata.js';
import type { Doc, Hit } from '../store-adapter.js';

/** Dify's payload keys (core/rag/datasource/vdb/field.py). */
export const CONTENT_KEY = 'page_content';
export const METADATA_KEY = 'metadata';
export const GROUP_KEY = 'group_id';
export const DOC_ID_KEY = 'metadata.doc_id';
export const DOCUMENT_ID_KEY = 'metadata.document_id';

/** The metadata keys Dify writes for every chunk; the dataset's own keys may not override them. */
const DIFY_METADATA = new Set(['doc_id', 'doc_hash', 'document_id', 'dataset_id']);

export interface QdrantPayload {
  readonly [CONTENT_KEY]: string;
  readonly [METADATA_KEY]: Readonly<Record<string, unknown>>;
  readonly [GROUP_KEY]?: string;
}

/**
 * One chunk's payload as Dify's _build_payloads writes it: the text, the Document's metadata
 * (the dataset's own JSON-able keys, then doc_id, doc_hash, document_id, dataset_id), and the
 * knowledge base's group_id when the profile uses one. doc_hash is Dify's
 * helper.generate_text_hash: sha256 of the text followed by "None".
 */
export function qdrantPayload(doc: Doc, datasetId: string, withGroup: boolean): QdrantPayload {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.metadata ?? {})) {
    if (!DIFY_METADATA.has(key) && value !== undefined) extra[key] = value;
  }
  const metadata = {
    ...extra,
    doc_id: doc.id,
    doc_hash: difyDocHash(doc.text),
    document_id: doc.documentId,
    dataset_id: datasetId,
  };
  return withGroup
    ? { [CONTENT_KEY]: doc.text, [METADATA_KEY]: metadata, [GROUP_KEY]: datasetId }
    : { [CONTENT_KEY]: doc.text, [METADATA_KEY]: metadata };
}

/** What a search or scroll answers per point, as far as the adapter reads it. */
export interface AnsweredPoint {
  readonly payload?: Readonly<Record<string, unknown>> | null;
  readonly score?: number;
}

/**
 * The harness's hit for one answered point: the id is metadata.doc_id (the dataset's chunk id,
 * not the point UUID), the text page_content. `score` is passed explicitly: a scroll has none.
 * A point without a doc_id is not one this adapter wrote, and an error.
 */
export function hitOf(point: AnsweredPoint, score: number | undefined, collection: string): Hit {
  const payload = point.payload ?? {};
  const metadata = payload[METADATA_KEY];
  const id = isRecord(metadata) ? metadata.doc_id : undefined;
  if (typeof id !== 'string') throw new Error(`qdrant: a point of ${collection} has no metadata.doc_id in its payload`);
  const text = payload[CONTENT_KEY];
  return {
    id,
    ...(score === undefined ? {} : { score }),
    ...(typeof text === 'string' ? { text } : {}),
  };
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
