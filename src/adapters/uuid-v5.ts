import { createHash } from 'node:crypto';

/** A fixed namespace for vdb-bench's ids: the same dataset id always maps to the same UUID. */
const NAMESPACE = '6f1c2a4e-3b5d-4c8e-9a7f-1d2e3f4a5b6c';

/**
 * RFC 9562 UUIDv5 (SHA-1, name-based). Dify keys chunks by UUID (pgvector, Weaviate, OceanBase);
 * dataset ids are any string, so each adapter maps them through this and back via metadata.
 */
export function uuidV5(name: string, namespace: string = NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
