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
const PY_SPACE_CHAR = new RegExp(`^${PY_SPACE}$`, 'u');

/**
 * Python's `len(w.strip()) < 2`. The fast path (no space at either end) skips the regex: this
 * runs for every token of every candidate inside the timed hybrid query.
 */
function tooShort(w: string): boolean {
  const n = w.length;
  if (n === 0) return true;
  if (!PY_SPACE_CHAR.test(w[0] as string) && !PY_SPACE_CHAR.test(w[n - 1] as string)) {
    if (n >= 3) return false; // three UTF-16 units are at least two code points
    if (n === 1) return true;
    const c = w.charCodeAt(0);
    return c >= 0xd800 && c <= 0xdbff; // one astral character
  }
  let points = 0;
  for (const _ of w.replace(PY_EDGE_WHITESPACE, '')) if (++points >= 2) return false;
  return true;
}

/**
 * Besides Han, Python jieba's cut keeps [a-zA-Z0-9+#&._%-] inside one block (re_han_default); a
 * run of them reaches finalseg.cut unless it is a dictionary word. These are all the multi-character
 * words of that class in Python jieba 0.42.1's dict.txt (grep of the wheel).
 */
const NON_HAN_DICT_WORDS: ReadonlySet<string> = new Set(['AT&T', 'c#', 'C#', 'c++', 'C++']);
/** finalseg's re_skip. jieba-rs has `(?:.\d+)?` (any character), Python `(?:\.\d+)?` (a dot). */
const PY_FINALSEG_SKIP = /([a-zA-Z0-9]+(?:\.\d+)?%?)/;

/** 0 = not a buffer character, 1 = [a-zA-Z0-9], 2 = one of +#&._%- (by char code, for speed). */
function bufferCharClass(c: number): 0 | 1 | 2 {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return 1;
  if (c === 43 || c === 35 || c === 38 || c === 46 || c === 95 || c === 37 || c === 45) return 2;
  return 0;
}

/** 0 = not a buffer piece, 1 = letters/digits only, 2 = with a symbol (may need re-splitting). */
function bufferPiece(token: string): 0 | 1 | 2 {
  let kind: 0 | 1 | 2 = 1;
  for (let i = 0; i < token.length; i++) {
    const cls = bufferCharClass(token.charCodeAt(i));
    if (cls === 0) return 0;
    if (cls === 2) kind = 2;
  }
  if (token.length === 0 || (kind === 2 && NON_HAN_DICT_WORDS.has(token))) return 0;
  return kind;
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
  let run: string[] = [];
  let runHasSymbol = false;
  const flush = (): void => {
    if (run.length === 1 && !runHasSymbol) {
      out.push(run[0] as string); // letters and digits alone: Python yields the same one token
    } else if (run.length > 0) {
      for (const piece of run.join('').split(PY_FINALSEG_SKIP)) if (piece !== '') out.push(piece);
    }
    run = [];
    runHasSymbol = false;
  };
  for (const token of tokens) {
    const kind = bufferPiece(token);
    if (kind === 0) {
      flush();
      out.push(token);
    } else {
      run.push(token);
      if (kind === 2) runHasSymbol = true;
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
    if (tooShort(w) || stopWords.has(w.toLowerCase())) continue;
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
