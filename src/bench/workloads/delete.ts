import { row } from '../../datasets/dataset.js';
import type { DeleteResult } from '../results/results-schema.js';
import { timed } from '../timer.js';
import type { WorkloadContext } from './workload-context.js';

/**
 * Deletes one whole Dify document (by document_id) and a few chunks of another (by ids), then
 * checks the rows are really gone: the count drops by exactly that much and a search filtered to
 * the deleted document finds nothing. Runs last: it changes the collection.
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
  const idsToDelete = second[1].slice(0, 5).map((i) => dataset.docs[i]?.id ?? '');

  const rowsBefore = await collection.count();
  const byDocument = await timed(() => collection.delete({ kind: 'documentId', documentId }));
  const byIds = await timed(() => collection.delete({ kind: 'ids', ids: idsToDelete }));
  const expected = rowsBefore - chunkIndices.length - idsToDelete.length;
  await collection.waitUntilSearchable(expected);
  const rowsAfter = await collection.count();

  const probe = row(dataset.vectors, dims, chunkIndices[0] as number);
  const leftovers = ctx.capabilities.documentIdFilter
    ? await collection.searchVector({ vector: probe, k: 10, documentIds: [documentId] })
    : (await collection.searchVector({ vector: probe, k: 10 })).filter((h) =>
        chunkIndices.some((i) => dataset.docs[i]?.id === h.id),
      );
  const deletedIds = new Set(idsToDelete);
  const idProbe = row(dataset.vectors, dims, second[1][0] as number);
  const idLeftovers = (await collection.searchVector({ vector: idProbe, k: 10 })).filter((h) => deletedIds.has(h.id));

  return {
    status: 'ok',
    documentId,
    rowsBefore,
    rowsDeleted: chunkIndices.length,
    rowsAfter,
    byDocumentIdMs: byDocument.ms,
    byIdsMs: byIds.ms,
    idsDeleted: idsToDelete.length,
    verified: rowsAfter === expected && leftovers.length === 0 && idLeftovers.length === 0,
  };
}
