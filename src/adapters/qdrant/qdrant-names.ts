import { uuidV5 } from '../uuid-v5.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The knowledge base a run collection stands for. Dify's dataset ids are UUIDs; a run's collection
 * name is any string, so its UUIDv5 plays the dataset id: the `group_id` of every point and the
 * `dataset_id` in their metadata.
 */
export function datasetId(specName: string): string {
  return uuidV5(specName);
}

/**
 * Dify names a dataset's collection `Vector_index_<dataset id with _ for ->_Node`
 * (Dataset.gen_collection_name_by_id), so the name has exactly Dify's shape and length.
 */
export function qdrantCollectionName(specName: string): string {
  return `Vector_index_${datasetId(specName).replace(/-/g, '_')}_Node`;
}

/**
 * The point id of a chunk. Qdrant takes only unsigned integers or UUIDs; Dify uses the chunk's
 * doc_id, a UUID4, and keeps it in `metadata.doc_id` too. Dataset ids are any string, so a non-UUID
 * id becomes its UUIDv5; answers map back through metadata.doc_id.
 */
export function pointId(id: string): string {
  return UUID.test(id) ? id.toLowerCase() : uuidV5(id);
}
