import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { row, type Dataset } from './dataset.js';
import { similarity } from './similarity.js';

/** Exact top-k doc ids per query (in query order), by brute force under the dataset's metric. */
export type GroundTruth = readonly (readonly string[])[];

/**
 * Exact nearest neighbours for every query. With `filtered`, a query with document_ids is
 * answered only from those documents' chunks, as a store's filtered search must be. Cached beside the dataset,
 * keyed by the content hash (vectors, docs and queries: the filter changes the answer) and k.
 */
export async function groundTruth(dataset: Dataset, k: number, filtered: boolean): Promise<GroundTruth> {
  const cacheDir = join(dataset.dir, '.ground-truth');
  const mode = filtered ? 'filtered' : 'all';
  const cacheFile = join(cacheDir, `${dataset.contentHash.slice(0, 16)}-k${k}-${mode}.json`);
  const cached = await readFile(cacheFile, 'utf8').then(
    (text) => JSON.parse(text) as { hash: string; k: number; ids: string[][] },
    () => undefined,
  );
  if (cached && cached.hash === dataset.contentHash && cached.k === k) return cached.ids;
  const ids = computeGroundTruth(dataset, k, filtered);
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(`${cacheFile}.tmp`, JSON.stringify({ hash: dataset.contentHash, k, ids }));
    await rename(`${cacheFile}.tmp`, cacheFile);
  } catch {
    // A read-only dataset folder only costs a recomputation next time.
  }
  return ids;
}

/** `filtered`: honour each query's document_ids; otherwise search every doc. */
export function computeGroundTruth(dataset: Dataset, k: number, filtered: boolean): string[][] {
  const { dims, metric } = dataset.manifest;
  return dataset.queries.map((query, qi) => {
    const q = row(dataset.queryVectors, dims, qi);
    const allowed = filtered && query.document_ids ? new Set(query.document_ids) : undefined;
    const scored: Array<{ index: number; score: number }> = [];
    dataset.docs.forEach((doc, di) => {
      if (allowed && !allowed.has(doc.document_id)) return;
      scored.push({ index: di, score: similarity(metric, q, row(dataset.vectors, dims, di)) });
    });
    // Ties break by dataset order so the truth is the same on every machine.
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    return scored.slice(0, k).map((s) => (dataset.docs[s.index] as { id: string }).id);
  });
}
