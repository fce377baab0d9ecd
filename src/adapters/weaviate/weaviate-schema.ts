import { difyChunkMetadata } from '../dify-metadata.js';
import type { Doc } from '../store-adapter.js';
import type { WeaviateConfig } from './weaviate-config.js';
import type { ClassDefinition, WeaviateObject } from './weaviate-driver.js';
import { objectId } from './weaviate-names.js';

/** The properties Dify's searches return (its `attributes` plus text). */
export const RETURN_PROPERTIES = ['text', 'doc_id', 'document_id', 'dataset_id', 'doc_hash'] as const;

/** Weaviate property names; `id`, `_id` and `_additional` are reserved. */
const PROPERTY_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,229}$/;
const RESERVED = new Set(['id', '_id', '_additional', 'text', 'doc_id', 'doc_hash', 'document_id', 'dataset_id']);

/**
 * The class Dify creates. Current Dify: text (WEAVIATE_TOKENIZATION, default word), document_id,
 * doc_id, doc_type, chunk_index, is_summary, original_chunk_id — document_id and doc_id get the
 * server's default tokenization (`word`), not `field`. Dify ≤ 1.8: only `text`, the rest by
 * auto-schema (also `word`).
 */
export function classDefinition(name: string, config: WeaviateConfig): ClassDefinition {
  if (config.schema === 'dify-legacy') {
    return { name, properties: [{ name: 'text', dataType: 'text' }] };
  }
  return {
    name,
    ...(config.ef !== undefined ? { ef: config.ef } : {}),
    properties: [
      { name: 'text', dataType: 'text', tokenization: config.textTokenization },
      { name: 'document_id', dataType: 'text' },
      { name: 'doc_id', dataType: 'text' },
      { name: 'doc_type', dataType: 'text' },
      { name: 'chunk_index', dataType: 'int' },
      { name: 'is_summary', dataType: 'boolean' },
      { name: 'original_chunk_id', dataType: 'text' },
    ],
  };
}

/**
 * One chunk as Dify writes it: `text` plus the chunk's metadata (doc_id, doc_hash, document_id,
 * dataset_id) as properties, and the dataset's own scalar metadata whose keys are valid property
 * names (auto-schema adds them on first insert, as it does for Dify's).
 */
export function weaviateObject(doc: Doc, datasetId: string): WeaviateObject {
  const extra: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(doc.metadata ?? {})) {
    if (!PROPERTY_NAME.test(key) || RESERVED.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      extra[key] = value;
    }
  }
  return {
    id: objectId(doc.id),
    properties: {
      ...extra,
      text: doc.text,
      ...difyChunkMetadata(doc, datasetId),
    },
    vector: Array.from(doc.vector),
  };
}
