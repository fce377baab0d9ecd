import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { z } from 'zod';
import { DatasetError } from './dataset-error.js';
import {
  datasetManifestSchema,
  docRecordSchema,
  queryRecordSchema,
  type DatasetManifest,
} from './dataset-manifest.js';
import type { Dataset } from './dataset.js';

/**
 * Reads a dataset folder and enforces every rule of DATASET_FORMAT.md, failing on the first
 * broken one with a DatasetError naming the file and line (or byte offset).
 */
export async function readDataset(dir: string): Promise<Dataset> {
  const hash = createHash('sha256');
  const manifestFile = join(dir, 'dataset.json');
  const manifestText = await readRequired(manifestFile);
  hash.update(manifestText);
  const manifest = parseManifest(manifestFile, manifestText.toString('utf8'));

  const docsFile = join(dir, 'docs.jsonl');
  const docsText = await readRequired(docsFile);
  hash.update(docsText);
  const docs = parseJsonl(docsFile, docsText, docRecordSchema, manifest.count, 'count');

  const queriesFile = join(dir, 'queries.jsonl');
  const queriesText = await readRequired(queriesFile);
  hash.update(queriesText);
  const queries = parseJsonl(queriesFile, queriesText, queryRecordSchema, manifest.queries, 'queries');

  const vectorsFile = join(dir, 'vectors.f32');
  const vectorBytes = await readRequired(vectorsFile);
  hash.update(vectorBytes);
  const vectors = parseVectors(vectorsFile, vectorBytes, manifest.count, manifest);

  const queryVectorsFile = join(dir, 'query_vectors.f32');
  const queryVectorBytes = await readRequired(queryVectorsFile);
  hash.update(queryVectorBytes);
  const queryVectors = parseVectors(queryVectorsFile, queryVectorBytes, manifest.queries, manifest);

  const qrelsFile = join(dir, 'qrels.tsv');
  const qrelsText = await readFile(qrelsFile).catch(() => undefined);
  if (qrelsText) hash.update(qrelsText);
  const qrels = qrelsText
    ? parseQrels(qrelsFile, qrelsText.toString('utf8'), new Set(queries.map((q) => q.id)), new Set(docs.map((d) => d.id)))
    : new Map<string, Map<string, number>>();

  return { dir, manifest, docs, vectors, queries, queryVectors, qrels, contentHash: hash.digest('hex') };
}

async function readRequired(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch {
    const exists = await stat(file).then(() => true, () => false);
    throw new DatasetError(file, '', exists ? 'cannot be read' : 'missing (required by the dataset format)');
  }
}

function parseManifest(file: string, text: string): DatasetManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(file, '', `not valid JSON (${(error as Error).message})`);
  }
  const parsed = datasetManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DatasetError(file, '', `field "${issue?.path.join('.')}": ${issue?.message}`);
  }
  return parsed.data;
}

function parseJsonl<S extends z.ZodType<{ id: string }>>(
  file: string,
  bytes: Buffer,
  schema: S,
  expected: number,
  countField: string,
): Array<z.infer<S>> {
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records: Array<z.infer<S>> = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    const lineNo = String(index + 1);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new DatasetError(file, lineNo, `not valid JSON (${(error as Error).message})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DatasetError(file, lineNo, `field "${issue?.path.join('.')}": ${issue?.message}`);
    }
    if (seen.has(parsed.data.id)) throw new DatasetError(file, lineNo, `duplicate id "${parsed.data.id}"`);
    seen.add(parsed.data.id);
    records.push(parsed.data);
  });
  if (records.length !== expected) {
    throw new DatasetError(
      file,
      String(records.length),
      `has ${records.length} lines but dataset.json "${countField}" is ${expected}`,
    );
  }
  return records;
}

function parseVectors(file: string, bytes: Buffer, rows: number, manifest: DatasetManifest): Float32Array {
  const { dims, metric } = manifest;
  const expected = rows * dims * 4;
  if (bytes.length !== expected) {
    throw new DatasetError(
      file,
      `byte ${Math.min(bytes.length, expected)}`,
      `size is ${bytes.length} bytes, expected ${rows} × ${dims} × 4 = ${expected}`,
    );
  }
  // Copy into an aligned buffer: a Buffer's offset into Node's pool need not be a multiple of 4.
  const vectors = new Float32Array(rows * dims);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < rows * dims; i++) {
    const value = view.getFloat32(i * 4, true);
    if (!Number.isFinite(value)) {
      throw new DatasetError(file, `byte ${i * 4}`, `row ${Math.floor(i / dims)} has a non-finite component (${value})`);
    }
    vectors[i] = value;
  }
  if (metric === 'cosine') {
    for (let r = 0; r < rows; r++) {
      let nonZero = false;
      for (let c = 0; c < dims && !nonZero; c++) nonZero = vectors[r * dims + c] !== 0;
      if (!nonZero) throw new DatasetError(file, `byte ${r * dims * 4}`, `row ${r} is a zero vector (metric is cosine)`);
    }
  }
  return vectors;
}

function parseQrels(
  file: string,
  text: string,
  queryIds: ReadonlySet<string>,
  docIds: ReadonlySet<string>,
): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNo = String(index + 1);
    const fields = line.split('\t');
    const [queryId, docId, relevanceText] = fields;
    if (fields.length !== 3 || queryId === undefined || docId === undefined || relevanceText === undefined) {
      throw new DatasetError(file, lineNo, `expected 3 tab-separated fields, found ${fields.length}`);
    }
    const relevance = Number(relevanceText);
    if (!Number.isInteger(relevance) || relevance < 1) {
      throw new DatasetError(file, lineNo, `relevance "${relevanceText}" is not an integer ≥ 1`);
    }
    if (!queryIds.has(queryId)) throw new DatasetError(file, lineNo, `query id "${queryId}" is not in queries.jsonl`);
    if (!docIds.has(docId)) throw new DatasetError(file, lineNo, `doc id "${docId}" is not in docs.jsonl`);
    let forQuery = qrels.get(queryId);
    if (!forQuery) qrels.set(queryId, (forQuery = new Map()));
    forQuery.set(docId, relevance);
  });
  return qrels;
}
