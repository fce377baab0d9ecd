import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import type { CollectionSpec, Metric } from '../store-adapter.js';
import { DENSE_VECTOR_NAME, SPARSE_VECTOR_NAME, type QdrantConfig } from './qdrant-config.js';
import { CONTENT_KEY, DOC_ID_KEY, DOCUMENT_ID_KEY, GROUP_KEY } from './qdrant-payload.js';
import type { QdrantFeatures } from './qdrant-version.js';

const DISTANCE: Readonly<Record<Metric, Schemas['Distance']>> = { cosine: 'Cosine', l2: 'Euclid', ip: 'Dot' };

/**
 * Dify's text index on page_content (TextIndexParams(type=TEXT, tokenizer=MULTILINGUAL,
 * min_token_len=2, max_token_len=20, lowercase=True)). Both 1.8.3 and 1.18.3 accept exactly
 * these fields; what `multilingual` does differs by build: 1.8.3 as Dify's image ships it (no
 * `multiling-chinese` feature) keeps a run of Han characters as one token, 1.18.3 segments
 * Chinese (charabia's chinese-segmentation is on by default) and drops all-digit tokens.
 */
export const DIFY_TEXT_INDEX: Schemas['TextIndexParams'] = {
  type: 'text',
  tokenizer: 'multilingual',
  min_token_len: 2,
  max_token_len: 20,
  lowercase: true,
};

/** The distance the collection uses: Dify always passes "Cosine" (QdrantVector's distance_func). */
export function distanceOf(config: QdrantConfig, metric: Metric): Schemas['Distance'] {
  return config.distance === 'cosine' ? 'Cosine' : DISTANCE[metric];
}

/**
 * Creates the collection as Dify's create_collection does, unless it exists: Dify lists every
 * collection (GET /collections) and creates only a missing one, then its payload indexes, in
 * this order — keyword group_id, keyword metadata.doc_id, keyword metadata.document_id, the
 * text index on page_content. (Dify guards this with a Redis lock and a 1 h "exists" cache; the
 * harness creates each collection once.) Native: named dense + sparse vectors, Qdrant's default
 * HNSW, a keyword index on metadata.document_id for the document filter.
 */
export async function ensureCollection(
  client: QdrantClient,
  name: string,
  spec: CollectionSpec,
  config: QdrantConfig,
  features: QdrantFeatures,
): Promise<void> {
  const { collections } = await client.getCollections();
  if (collections.some((c) => c.name === name)) return;
  const distance = distanceOf(config, spec.metric);
  if (config.profile === 'dify') {
    await client.createCollection(name, {
      vectors: { size: spec.dims, distance },
      hnsw_config: config.hnsw,
      // Current Dify passes QDRANT_REPLICATION_FACTOR (default 1) and write_consistency_factor 1.
      replication_factor: 1,
      write_consistency_factor: 1,
      timeout: 20,
    });
    for (const field of [GROUP_KEY, DOC_ID_KEY, DOCUMENT_ID_KEY]) {
      await client.createPayloadIndex(name, { field_name: field, field_schema: 'keyword', wait: true });
    }
    if (config.textIndex) {
      await client.createPayloadIndex(name, { field_name: CONTENT_KEY, field_schema: DIFY_TEXT_INDEX, wait: true });
    }
    return;
  }
  await client.createCollection(name, {
    vectors: { [DENSE_VECTOR_NAME]: { size: spec.dims, distance } },
    // The server weighs query terms by IDF where it can (≥ 1.10); 1.8.3 knows no modifier field.
    sparse_vectors: { [SPARSE_VECTOR_NAME]: features.sparseIdf ? { modifier: 'idf' } : {} },
    hnsw_config: config.hnsw,
  });
  await client.createPayloadIndex(name, { field_name: DOCUMENT_ID_KEY, field_schema: 'keyword', wait: true });
}
