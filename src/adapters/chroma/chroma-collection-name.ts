/**
 * Dify names a dataset's collection `Vector_index_<dataset id>_Node`, lower-cased. Chroma 0.5
 * accepts 3–63 characters of [a-zA-Z0-9._-] starting and ending with an alphanumeric (1.x allows
 * longer names); this keeps to the stricter rule so one name works on every version.
 */
export function chromaCollectionName(specName: string): string {
  const id = specName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '');
  const prefix = 'vector_index_';
  const suffix = '_node';
  const room = 63 - prefix.length - suffix.length;
  return `${prefix}${(id || 'run').slice(0, room).replace(/[_-]+$/, '')}${suffix}`;
}
