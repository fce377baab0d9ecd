import { row } from '../../datasets/dataset.js';
import type { DeleteResult } from '../results/results-schema.js';
import { timed } from '../timer.js';
import type { WorkloadContext } from './workload-context.js';

/**
 * Deletes one Dify document as Dify deletes a document (clean_document_task → the index
 * processor's clean → vector.delete_by_ids with every chunk id of the document, one call), and a
 * second document by its metadata field (delete_by_metadata_field('document_id', …), the path
 * Dify uses for annotations), each timed; then checks the rows are really gone: the count drops by
 * exactly that much and searches find nothing of either document. Runs last: it changes the
 * collection.
 */
export async function runDelete(ctx: WorkloadContext): Promise<DeleteResult> {
  const { collection, dataset } = ctx;
  const { dims } = dataset.manifest;
  const chunksByDocument = new Map<string, number[]>();
  dataset.docs.forEach((d, i) => {
    const list = chunksByDocument.get(d.document_id) ?? [];
    list.push(i);
    chunksByDocument.set(d.document_id, list);
  });
  const [first, second] = [...chunksByDocument.entries()];
  if (!first || !second) return { status: 'unsupported', reason: 'the dataset has fewer than two documents' };
  const [documentId, chunkIndices] = first;
  const [metadataDocumentId, metadataIndices] = second;
  const idOf = (i: number): string => dataset.docs[i]?.id ?? '';

  const rowsBefore = await collection.count();
  const byIds = await timed(() => collection.delete({ kind: 'ids', ids: chunkIndices.map(idOf) }));
  const byMetadata = await timed(() => collection.delete({ kind: 'documentId', documentId: metadataDocumentId }));
  const expected = rowsBefore - chunkIndices.length - metadataIndices.length;
  await collection.waitUntilSearchable(expected);
  const rowsAfter = await collection.count();

  // Probe with each deleted document's first chunk vector: none of its chunks may come back.
  const leftovers = async (docId: string, indices: readonly number[]): Promise<number> => {
    const probe = row(dataset.vectors, dims, indices[0] as number);
    const deleted = new Set(indices.map(idOf));
    const hits = ctx.capabilities.documentIdFilter
      ? await collection.searchVector({ vector: probe, k: 10, documentIds: [docId] })
      : (await collection.searchVector({ vector: probe, k: 10 })).filter((h) => deleted.has(h.id));
    return hits.length;
  };
  const left = (await leftovers(documentId, chunkIndices)) + (await leftovers(metadataDocumentId, metadataIndices));

  return {
    status: 'ok',
    documentId,
    rowsBefore,
    rowsDeleted: chunkIndices.length,
    rowsAfter,
    documentByIdsMs: byIds.ms,
    metadataDocumentId,
    metadataRowsDeleted: metadataIndices.length,
    byMetadataMs: byMetadata.ms,
    verified: rowsAfter === expected && left === 0,
  };
}
