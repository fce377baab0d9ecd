import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { DatasetError } from './dataset-error.js';
import type { DocRecord, QueryRecord } from './dataset-manifest.js';
import type { Dataset } from './dataset.js';
import { readFloat32File } from './float32-file.js';
import { readJsonlRecords } from './jsonl-records.js';
import { sharedFloat32 } from './shared-floats.js';

/**
 * The embeddings a BEIR folder needs beside it (BEIR ships text only), as DATASET_FORMAT.md says:
 * embeddings.json names dims and metric (and, as for any dataset, the model and package that made
 * them); corpus_vectors.f32 holds one float32 row per corpus.jsonl line, query_vectors.f32 one per
 * queries.jsonl line, both in file order, little-endian, no header.
 */
export const BEIR_FILES = {
  embeddings: 'embeddings.json',
  corpusVectors: 'corpus_vectors.f32',
  queryVectors: 'query_vectors.f32',
} as const;

const embeddingsSchema = z.looseObject({
  dims: z.number().int().positive(),
  metric: z.enum(['cosine', 'l2', 'ip']),
  model: z.string().min(1).optional(),
  package: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
});

const beirId = z.union([z.string().min(1), z.number()]).transform(String);
const corpusSchema = z.looseObject({ _id: beirId, title: z.string().optional(), text: z.string() });
const querySchema = z.looseObject({ _id: beirId, text: z.string() });

/** qrels/<split>.tsv, the split BEIR evaluates on first. */
const SPLITS = ['test', 'dev', 'train'];

/**
 * Reads a BEIR folder (corpus.jsonl, queries.jsonl, qrels/*.tsv) with its embeddings alongside.
 * Docs keep their BEIR ids (title and text joined as the chunk text, each doc its own Dify
 * document); queries are those judged in the chosen qrels split, in queries.jsonl order, with
 * their rows of query_vectors.f32; judgements with score ≤ 0 mean "not relevant" and are dropped.
 */
export async function readBeir(path: string): Promise<Dataset> {
  const dir = resolve(path);
  const hash = createHash('sha256');
  const embeddingsFile = join(dir, BEIR_FILES.embeddings);
  const embeddingsText = await readFile(embeddingsFile).catch(() => {
    throw new DatasetError(embeddingsFile, '', `missing: a BEIR folder needs ${BEIR_FILES.embeddings}, ${BEIR_FILES.corpusVectors} and ${BEIR_FILES.queryVectors} beside corpus.jsonl`);
  });
  hash.update(embeddingsText);
  const embeddings = parseJson(embeddingsFile, embeddingsText.toString('utf8'), embeddingsSchema);
  const { dims, metric } = embeddings;

  const corpusFile = join(dir, 'corpus.jsonl');
  const corpus = await readJsonlRecords(corpusFile, corpusSchema, (d) => d._id, hash);
  const queriesFile = join(dir, 'queries.jsonl');
  const allQueries = await readJsonlRecords(queriesFile, querySchema, (q) => q._id, hash);

  const vectors = await readFloat32File(join(dir, BEIR_FILES.corpusVectors), corpus.length, dims, metric, hash, 'corpus.jsonl lines');
  const allQueryVectors = await readFloat32File(join(dir, BEIR_FILES.queryVectors), allQueries.length, dims, metric, hash, 'queries.jsonl lines');

  const { file: qrelsFile, text: qrelsText } = await readQrelsSplit(dir);
  hash.update(qrelsText);
  const docIds = new Set(corpus.map((d) => d._id));
  const queryIds = new Set(allQueries.map((q) => q._id));
  const qrels = parseBeirQrels(qrelsFile, qrelsText, queryIds, docIds);

  const keep = allQueries.flatMap((q, i) => (qrels.has(q._id) ? [i] : []));
  if (keep.length === 0) throw new DatasetError(qrelsFile, '', 'judges no query of queries.jsonl as relevant to anything');
  const queryVectors = sharedFloat32(keep.length * dims);
  keep.forEach((from, to) => queryVectors.set(allQueryVectors.subarray(from * dims, (from + 1) * dims), to * dims));
  const queries: QueryRecord[] = keep.map((i) => {
    const q = allQueries[i] as z.infer<typeof querySchema>;
    return { id: q._id, text: q.text };
  });
  const docs: DocRecord[] = corpus.map((d) => ({
    id: d._id,
    document_id: d._id,
    text: d.title ? `${d.title}\n${d.text}` : d.text,
  }));

  return {
    dir,
    manifest: {
      name: basename(dir),
      version: 1,
      dims,
      metric,
      count: docs.length,
      queries: queries.length,
      language: embeddings.language ?? 'en',
      description: `BEIR ${basename(dir)}, qrels ${basename(qrelsFile)}`,
      license: 'see the dataset source',
      source: `BEIR ${dir}`,
      ...(embeddings.model ? { embedding: { model: embeddings.model, package: embeddings.package } } : {}),
    },
    docs,
    vectors,
    queries,
    queryVectors,
    qrels,
    contentHash: hash.digest('hex'),
    format: 'beir',
    groundTruthDir: join(dir, '.ground-truth'),
  };
}

function parseJson<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(file, '', `not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DatasetError(file, '', `field "${issue?.path.join('.')}": ${issue?.message}`);
  }
  return parsed.data;
}

async function readQrelsSplit(dir: string): Promise<{ file: string; text: string }> {
  const qrelsDir = join(dir, 'qrels');
  const names = (await readdir(qrelsDir).catch(() => [])).filter((n) => n.endsWith('.tsv')).sort();
  const split = SPLITS.find((s) => names.includes(`${s}.tsv`));
  const name = split ? `${split}.tsv` : names.length === 1 ? names[0] : undefined;
  if (!name) {
    throw new DatasetError(qrelsDir, '', names.length ? `holds ${names.join(', ')}: expected test.tsv, dev.tsv or train.tsv` : 'missing or holds no .tsv file (BEIR judgements)');
  }
  const file = join(qrelsDir, name);
  return { file, text: await readFile(file, 'utf8') };
}

/** BEIR qrels: a "query-id corpus-id score" header, then one judgement a line. */
function parseBeirQrels(
  file: string,
  text: string,
  queryIds: ReadonlySet<string>,
  docIds: ReadonlySet<string>,
): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const lineNo = String(index + 1);
    const fields = line.split('\t');
    if (index === 0 && fields[0] === 'query-id') return;
    const [queryId, docId, scoreText] = fields;
    if (fields.length !== 3 || queryId === undefined || docId === undefined || scoreText === undefined) {
      throw new DatasetError(file, lineNo, `expected 3 tab-separated fields (query-id, corpus-id, score), found ${fields.length}`);
    }
    const score = Number(scoreText);
    if (!Number.isInteger(score)) throw new DatasetError(file, lineNo, `score "${scoreText}" is not an integer`);
    if (!queryIds.has(queryId)) throw new DatasetError(file, lineNo, `query-id "${queryId}" is not in queries.jsonl`);
    if (!docIds.has(docId)) throw new DatasetError(file, lineNo, `corpus-id "${docId}" is not in corpus.jsonl`);
    if (score <= 0) return;
    let forQuery = qrels.get(queryId);
    if (!forQuery) qrels.set(queryId, (forQuery = new Map()));
    forQuery.set(docId, score);
  });
  return qrels;
}
