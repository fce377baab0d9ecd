import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';

export type KeywordExtractor = (text: string) => ReadonlySet<string>;

let jieba: Jieba | undefined;
let tfidf: TfIdf | undefined;

/**
 * Dify's JiebaKeywordTableHandler.extract_keywords: jieba's TF-IDF tags (all of them; Dify passes
 * no topK), then each multi-part tag's \w+ sub-tokens added too. A set: Dify counts each once.
 */
export const jiebaKeywords: KeywordExtractor = (text) => {
  jieba ??= Jieba.withDict(dict);
  tfidf ??= TfIdf.withDict(idf);
  const tags = tfidf.extractKeywords(jieba, text, 100_000, []).map((t) => t.keyword);
  const keywords = new Set<string>();
  for (const tag of tags) {
    keywords.add(tag);
    const parts = tag.match(/[\p{L}\p{N}_]+/gu) ?? [];
    if (parts.length > 1) for (const part of parts) keywords.add(part);
  }
  return keywords;
};
