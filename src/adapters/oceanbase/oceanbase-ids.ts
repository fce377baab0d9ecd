/**
 * Row ids: Dify's OceanBase table keys rows by `id varchar(36)`, the chunk's UUID; dataset chunk
 * ids are any string, so they map through UUIDv5 and travel back in `metadata.doc_id`, where Dify
 * keeps the chunk id too.
 */
export { uuidV5 } from '../uuid-v5.js';

/**
 * Dify names a dataset's table `Vector_index_<dataset id with - as _>_Node`, lower-cased, and
 * rejects names outside [a-zA-Z0-9_]. MySQL-mode identifiers are at most 64 characters.
 */
export function oceanbaseTableName(specName: string): string {
  const id = specName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const prefix = 'vector_index_';
  const suffix = '_node';
  const room = 64 - prefix.length - suffix.length;
  return `${prefix}${(id || 'run').slice(0, room).replace(/_+$/, '')}${suffix}`;
}
