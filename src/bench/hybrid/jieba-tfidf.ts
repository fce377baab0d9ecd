import { Jieba } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';

/**
 * Python jieba 0.42.1's `jieba.analyse.TFIDF.extract_tags` (jieba/analyse/tfidf.py), the extractor
 * Dify's keyword handler calls, with its dictionary, IDF table and HMM segmentation.
 *
 * Segmentation is @node-rs/jieba (jieba-rs, a port of Python jieba's cut with HMM). Its bundled
 * dict.txt is Python jieba 0.42.1's dict.txt minus one line, "B超 3 n" (checked with a sorted diff
 * against the PyPI wheel), so that line is loaded on top; its idf.txt is byte-identical to Python
 * jieba's analyse/idf.txt. The TF-IDF step is ported here rather than taken from @node-rs/jieba's
 * TfIdf because Python's rules (strip-and-length filter, lower-cased stop-word test, stable sort
 * of equal weights in first-seen order, median IDF for unknown words) decide which tags survive a
 * topK cut, and jieba-rs applies its own.
 */

const MISSING_FROM_NODE_RS_DICT = 'B超 3 n\n';

interface IdfTable {
  readonly idf: ReadonlyMap<string, number>;
  readonly median: number;
}

let segmenter: Jieba | undefined;
let idfTable: IdfTable | undefined;

function jieba(): Jieba {
  if (!segmenter) {
    segmenter = Jieba.withDict(dict);
    segmenter.loadDict(Buffer.from(MISSING_FROM_NODE_RS_DICT, 'utf8'));
  }
  return segmenter;
}

/** IDFLoader.set_new_path: "word idf" per line; the median is sorted(values)[len // 2]. */
function idfs(): IdfTable {
  if (!idfTable) {
    const table = new Map<string, number>();
    for (const line of Buffer.from(idf).toString('utf8').split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const [word, value] = trimmed.split(' ');
      if (word === undefined || value === undefined) throw new Error(`@node-rs/jieba idf.txt: bad line "${line}"`);
      table.set(word, Number.parseFloat(value));
    }
    const sorted = [...table.values()].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    if (median === undefined) throw new Error('@node-rs/jieba idf.txt is empty');
    idfTable = { idf: table, median };
  }
  return idfTable;
}

/** Python's str.isspace() set, which str.strip() removes (JS trim() differs, e.g. on U+FEFF). */
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_EDGE_WHITESPACE = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'gu');

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Characters Python jieba's cut keeps inside one block besides Han (re_han_default), minus Han.
 * Within a block, a run of them reaches finalseg.cut unless it is a dictionary word.
 */
const NON_HAN_BLOCK_TOKEN = /^[a-zA-Z0-9+#&._%-]+$/;
/** Every multi-character word of that class in Python jieba 0.42.1's dict.txt (grep of the wheel). */
const NON_HAN_DICT_WORDS: ReadonlySet<string> = new Set(['AT&T', 'c#', 'C#', 'c++', 'C++']);
/** finalseg's re_skip. jieba-rs has `(?:.\d+)?` (any character), Python `(?:\.\d+)?` (a dot). */
const PY_FINALSEG_SKIP = /([a-zA-Z0-9]+(?:\.\d+)?%?)/;

function isBufferPiece(token: string): boolean {
  return NON_HAN_BLOCK_TOKEN.test(token) && !NON_HAN_DICT_WORDS.has(token);
}

/**
 * jieba.cut(sentence) with HMM, as `TFIDF.tokenizer.cut` runs it. jieba-rs agrees with Python
 * except where HMM's finalseg splits a non-Han run: jieba-rs's skip pattern lets any character
 * join a number ("size-1", "CA+55", "gcc-4" stay whole), Python's only a dot ("size", "-", "1").
 * So each run of such pieces is re-joined and split again with Python's pattern. The run is what
 * Python's __cut_DAG buffers: consecutive single-character route pieces, which for these
 * characters is everything but the dictionary words above.
 */
export function jiebaCut(sentence: string): string[] {
  const tokens = jieba().cut(sentence, true);
  const out: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run === '') return;
    for (const piece of run.split(PY_FINALSEG_SKIP)) if (piece !== '') out.push(piece);
    run = '';
  };
  for (const token of tokens) {
    if (isBufferPiece(token)) {
      run += token;
    } else {
      flush();
      out.push(token);
    }
  }
  flush();
  return out;
}

/**
 * TFIDF.extract_tags(sentence, topK) with `stopWords` as the extractor's stop_words. `topK`
 * undefined (Python None or 0) returns every tag. Tags keep their case; ties keep first-seen order.
 */
export function extractTags(sentence: string, topK: number | undefined, stopWords: ReadonlySet<string>): string[] {
  const freq = new Map<string, number>();
  for (const w of jiebaCut(sentence)) {
    if (codePointLength(w.replace(PY_EDGE_WHITESPACE, '')) < 2 || stopWords.has(w.toLowerCase())) continue;
    freq.set(w, (freq.get(w) ?? 0) + 1);
  }
  let total = 0;
  for (const f of freq.values()) total += f;
  const { idf: table, median } = idfs();
  // freq[k] *= idf / total, in that order, so equal words weigh bit-for-bit what Python computes.
  const weighted = [...freq].map(([word, f]) => ({ word, weight: f * ((table.get(word) ?? median) / total) }));
  // Array.prototype.sort is stable, as Python's sorted(reverse=True) is.
  weighted.sort((a, b) => b.weight - a.weight);
  const tags = weighted.map((t) => t.word);
  return topK ? tags.slice(0, topK) : tags;
}
