import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DatasetError, absentAsUndefined, asDatasetError } from './dataset-error.js';
import { datasetManifestSchema, docRecordSchema, queryRecordSchema, type DatasetManifest, type DocRecord } from './dataset-manifest.js';
import { DocTextFile, FileTextDoc } from './doc-text-file.js';
import type { Dataset } from './dataset.js';
import { readFloat32File } from './float32-file.js';
import { readJsonlRecords } from './jsonl-records.js';
import { parseQrels } from './qrels.js';

/**
 * From this size of docs.jsonl on, doc texts stay in the file and are read when asked for
 * (doc-text-file.ts); below it the texts cost the heap tens of megabytes at most.
 */
const TEXT_IN_FILE_FROM_BYTES = 64 * 2 ** 20;

export interface NativeReadOptions {
  /** docs.jsonl size from which texts stay on disk (tests lower it). */
  readonly textInFileFromBytes?: number;
}

/**
 * Reads a folder in vdb-bench's own format (DATASET_FORMAT.md) and enforces every rule, failing
 * on the first broken one with a DatasetError naming the file and line (or byte offset).
 * Text files stream line by line and vectors land straight in shared memory, so a million
 * chunks cost little beyond their float32 bytes (their texts stay in docs.jsonl, see
 * TEXT_IN_FILE_FROM_BYTES).
 */
export async function readNativeDataset(dir: string, options: NativeReadOptions = {}): Promise<Dataset> {
  const hash = createHash('sha256');
  const manifestFile = join(dir, 'dataset.json');
  const manifestText = await readFile(manifestFile).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw asDatasetError(error, manifestFile);
    throw new DatasetError(manifestFile, '', 'missing (required by the dataset format)');
  });
  hash.update(manifestText);
  const manifest = parseManifest(manifestFile, manifestText.toString('utf8'));

  const docsFile = join(dir, 'docs.jsonl');
  const docsBytes = (await stat(docsFile).catch(() => undefined))?.size ?? 0;
  const textFile = docsBytes >= (options.textInFileFromBytes ?? TEXT_IN_FILE_FROM_BYTES) ? new DocTextFile(docsFile) : undefined;
  const docs = await readJsonlRecords(docsFile, docRecordSchema, (d) => d.id, hash, (d, line): DocRecord =>
    textFile ? new FileTextDoc(d.id, d.document_id, d.metadata, textFile, line.offset, line.bytes) : d,
  );
  expectLines(docsFile, docs.length, manifest.count, 'count');

  const queriesFile = join(dir, 'queries.jsonl');
  const queries = await readJsonlRecords(queriesFile, queryRecordSchema, (q) => q.id, hash);
  expectLines(queriesFile, queries.length, manifest.queries, 'queries');

  const { dims, metric } = manifest;
  const vectors = await readFloat32File(join(dir, 'vectors.f32'), manifest.count, dims, metric, hash, 'count');
  const queryVectors = await readFloat32File(join(dir, 'query_vectors.f32'), manifest.queries, dims, metric, hash, 'queries');

  const qrelsFile = join(dir, 'qrels.tsv');
  const qrelsText = await readFile(qrelsFile).catch(absentAsUndefined(qrelsFile));
  if (qrelsText) hash.update(qrelsText);
  const qrels = qrelsText
    ? parseQrels(qrelsFile, qrelsText.toString('utf8'), new Set(queries.map((q) => q.id)), new Set(docs.map((d) => d.id)))
    : new Map<string, Map<string, number>>();

  return {
    dir,
    manifest,
    docs,
    vectors,
    queries,
    queryVectors,
    qrels,
    contentHash: hash.digest('hex'),
    format: 'vdb-bench',
    groundTruthDir: join(dir, '.ground-truth'),
  };
}

function expectLines(file: string, lines: number, expected: number, countField: string): void {
  if (lines !== expected) {
    throw new DatasetError(file, String(lines), `has ${lines} lines but dataset.json "${countField}" is ${expected}`);
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
