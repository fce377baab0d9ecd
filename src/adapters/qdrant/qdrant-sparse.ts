/**
 * The sparse half of Qdrant's native hybrid: a BM25-style bag of words the harness computes, since
 * Qdrant stores and searches sparse vectors but does not make them from text (Qdrant's own answer
 * is fastembed's `Qdrant/bm25`, a Python/ONNX model; this is the same idea in a few lines of TS).
 *
 * - Terms: Unicode word segmentation (Intl.Segmenter: ICU's word breaks, dictionary-based for
 *   Chinese/Japanese), lowercased (NFKC), word-like segments only, minus a short English stopword
 *   list (without server-side IDF, on servers < 1.10, stopwords would otherwise dominate).
 * - Index of a term: FNV-1a 32-bit of its UTF-8 bytes. Qdrant's sparse indices are u32, so no
 *   vocabulary has to be shared between inserts and queries; two terms colliding in one text add up.
 * - Document weights: BM25's term-frequency part, tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen)),
 *   k1 = 1.2, b = 0.75, avgLen = 256 (fastembed's default: the corpus' mean length is not known
 *   while inserting, and a constant keeps every point's vector independent of the others).
 * - Query weights: 1 per distinct term. The IDF factor comes from the server (`modifier: idf` on the
 *   sparse vector, Qdrant ≥ 1.10), so a query scores Σ idf(t)·w_doc(t) over its terms: BM25.
 */

export interface SparseVector {
  readonly indices: number[];
  readonly values: number[];
}

const K1 = 1.2;
const B = 0.75;
const AVG_LEN = 256;

/** The most frequent English function words (a subset of Lucene's and NLTK's lists). */
const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'have', 'if', 'in',
  'into', 'is', 'it', 'its', 'no', 'not', 'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then',
  'there', 'these', 'they', 'this', 'to', 'was', 'were', 'will', 'with', 'which', 'can', 'do',
]);

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
const utf8 = new TextEncoder();

/** The terms of `text`, in order, repeats kept. */
export function sparseTerms(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (s.isWordLike && !STOPWORDS.has(s.segment)) out.push(s.segment);
  }
  return out;
}

/** FNV-1a, 32 bits, over the term's UTF-8 bytes: a stable u32 index per term. */
export function termIndex(term: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(term)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The vector stored with a chunk: BM25 term-frequency weights. */
export function documentSparseVector(text: string): SparseVector {
  const terms = sparseTerms(text);
  const tf = counts(terms);
  const norm = K1 * (1 - B + (B * terms.length) / AVG_LEN);
  const weights = new Map<number, number>();
  for (const [term, n] of tf) add(weights, termIndex(term), (n * (K1 + 1)) / (n + norm));
  return toVector(weights);
}

/** The vector a query sends: weight 1 per distinct term (the server multiplies in IDF). */
export function querySparseVector(text: string): SparseVector {
  const weights = new Map<number, number>();
  for (const term of counts(sparseTerms(text)).keys()) add(weights, termIndex(term), 1);
  return toVector(weights);
}

function counts(terms: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

function add(weights: Map<number, number>, index: number, weight: number): void {
  weights.set(index, (weights.get(index) ?? 0) + weight);
}

/** Indices ascending (Qdrant sorts them anyway; sorted input makes vectors comparable in tests). */
function toVector(weights: ReadonlyMap<number, number>): SparseVector {
  const indices = [...weights.keys()].sort((a, b) => a - b);
  return { indices, values: indices.map((i) => weights.get(i) ?? 0) };
}
