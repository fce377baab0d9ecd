import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { datasetId, pointId, qdrantCollectionName } from '../../src/adapters/qdrant/qdrant-names.js';
import { hitOf, qdrantPayload } from '../../src/adapters/qdrant/qdrant-payload.js';
import { uuidV5 } from '../../src/adapters/uuid-v5.js';

describe('qdrant names and payloads (as Dify writes them)', () => {
  it("names the collection as Dify's gen_collection_name_by_id, from the dataset id", () => {
    const id = datasetId('run-kb');
    expect(id).toBe(uuidV5('run-kb'));
    expect(qdrantCollectionName('run-kb')).toBe(`Vector_index_${id.replace(/-/g, '_')}_Node`);
  });

  it('keeps a UUID doc id as the point id (lowercased) and maps any other id to its UUIDv5', () => {
    expect(pointId('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(pointId('chunk-1')).toBe(uuidV5('chunk-1'));
  });

  it('builds page_content, metadata (dataset keys first, Dify keys win) and group_id', () => {
    const doc = {
      id: 'chunk-1',
      documentId: 'doc-0',
      text: 'hello',
      vector: new Float32Array(2),
      metadata: { source: 'a.md', doc_id: 'not-this' },
    };
    const hash = createHash('sha256').update('helloNone').digest('hex');
    expect(qdrantPayload(doc, 'ds', true)).toEqual({
      page_content: 'hello',
      metadata: { source: 'a.md', doc_id: 'chunk-1', doc_hash: hash, document_id: 'doc-0', dataset_id: 'ds' },
      group_id: 'ds',
    });
    expect(qdrantPayload(doc, 'ds', false)).not.toHaveProperty('group_id');
  });

  it('maps an answered point back to the chunk id, with or without a score', () => {
    const payload = { page_content: 'hello', metadata: { doc_id: 'chunk-1' } };
    expect(hitOf({ payload, score: 0.5 }, 0.5, 'c')).toEqual({ id: 'chunk-1', score: 0.5, text: 'hello' });
    expect(hitOf({ payload }, undefined, 'c')).toEqual({ id: 'chunk-1', text: 'hello' });
    expect(() => hitOf({ payload: { page_content: 'x' } }, undefined, 'c')).toThrow(/c has no metadata.doc_id/);
  });
});
