import { DIFY_STOPWORDS } from './dify-stopwords.js';
import { extractTags } from './jieba-tfidf.js';

export type KeywordExtractor = (text: string) => ReadonlySet<string>;

/**
 * Which release's JiebaKeywordTableHandler.extract_keywords (langgenius/dify,
 * api/core/rag/datasource/keyword/jieba/jieba_keyword_table_handler.py). WeightRerankRunner calls
 * it with max_keywords_per_chunk=None for the query and for every candidate.
 *
 * - 'dify-current': `extract_tags(topK=max_keywords_per_chunk or 10)`, so None becomes 10 tags
 *   (commit 02251d5296b0d72019436fe93d9b5f6f469df8f6, and the newest revision seen, which also
 *   keeps katakana runs whole). It came with the TF-IDF-loader rewrite after PR #28586 (merged
 *   2025-11-26); one revision of that rewrite still passed None through, and which Dify release
 *   first shipped `or 10` is not pinned down here.
 * - 'dify-legacy': `extract_tags(topK=max_keywords_per_chunk)`, None meaning every tag (e.g. commit
 *   5bda8d0266d9f3ef0da2748d571a9b225b679bce; Dify releases before that rewrite, 0.6.x to 1.10.x).
 */
export type KeywordRule = 'dify-current' | 'dify-legacy';

/** `\w+` of Python's re on str: letters, digits (any script) and the underscore. */
const PY_WORD = /[\p{L}\p{N}_]+/gu;

/**
 * JiebaKeywordTableHandler.extract_keywords(text, None): jieba TF-IDF tags with Dify's stop words
 * (they replace jieba's default list), then _expand_tokens_with_subtokens: a tag with more than
 * one \w+ part also contributes each part that is not a stop word (case-sensitive test, unlike
 * extract_tags' lower-cased one). A set: Dify's TF-IDF counts each keyword once.
 */
export function difyKeywordExtractor(rule: KeywordRule): KeywordExtractor {
  const topK = rule === 'dify-current' ? 10 : undefined;
  return (text) => {
    const keywords = new Set<string>();
    for (const tag of extractTags(text, topK, DIFY_STOPWORDS)) {
      keywords.add(tag);
      const parts = tag.match(PY_WORD) ?? [];
      if (parts.length > 1) for (const part of parts) if (!DIFY_STOPWORDS.has(part)) keywords.add(part);
    }
    return keywords;
  };
}
