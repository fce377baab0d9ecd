import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetManifestSchema, type DatasetManifest } from './dataset-manifest.js';

export interface CatalogEntry {
  readonly dir: string;
  readonly manifest: DatasetManifest;
  readonly bytes: number;
}

/** Datasets found one level below `root` (folders with a valid dataset.json). */
export async function listDatasets(root: string): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for (const name of (await readdir(root).catch(() => [])).sort()) {
    const dir = join(root, name);
    const text = await readFile(join(dir, 'dataset.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const parsed = datasetManifestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) continue;
    let bytes = 0;
    for (const file of await readdir(dir, { withFileTypes: true })) {
      if (file.isFile()) bytes += (await stat(join(dir, file.name))).size;
    }
    entries.push({ dir, manifest: parsed.data, bytes });
  }
  return entries;
}
