import { uuidV5 } from '../uuid-v5.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Weaviate object id of a chunk. Dify uses the chunk's doc_id, a UUID4, as the object UUID
 * (BaseVector._get_uuids); dataset ids are arbitrary strings, so a non-UUID id becomes its UUIDv5.
 * The original id is stored in the `doc_id` property, which maps answers back.
 */
export function objectId(id: string): string {
  return UUID.test(id) ? id.toLowerCase() : uuidV5(id);
}

/**
 * Dify names a dataset's class `Vector_index_<dataset uuid with _ for ->_Node`
 * (Dataset.gen_collection_name_by_id). A run's collection name is any string, so it is mapped to a
 * UUID first: the class name has exactly Dify's shape and length, and is a valid Weaviate class
 * name (/^[A-Z][_0-9A-Za-z]*$/).
 */
export function weaviateClassName(specName: string): string {
  return `Vector_index_${uuidV5(specName).replace(/-/g, '_')}_Node`;
}
