/**
 * Dify's jieba keyword extraction, pinned to the output of Dify's own Python code.
 *
 * The expected sets in fixtures/dify-keywords.json were produced by
 *   /tmp/jieba-venv/bin/python scripts/dify-keywords-reference.py fixture datasets/linux-doc-minilm
 * in a private venv with jieba==0.42.1 (the version Dify pins). That script holds Dify's
 * JiebaKeywordTableHandler.extract_keywords / _expand_tokens_with_subtokens and its stop-word list,
 * copied from langgenius/dify (commits named in its header), and runs both rules:
 * 'dify-current' (topK 10) and 'dify-legacy' (every tag). The cases: 26 hand-picked Chinese,
 * English and mixed strings, 50 queries and 50 chunks of datasets/linux-doc-minilm.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DIFY_STOPWORDS } from '../../src/bench/hybrid/dify-stopwords.js';
import { difyKeywordExtractor } from '../../src/bench/hybrid/keyword-extractor.js';

const Fixture = z.object({
  jieba: z.literal('0.42.1'),
  stopwordsCount: z.number(),
  stopwordsSha256: z.string(),
  cases: z.array(
    z.object({
      kind: z.enum(['hand-picked', 'query', 'chunk']),
      id: z.string(),
      text: z.string(),
      difyCurrent: z.array(z.string()),
      difyLegacy: z.array(z.string()),
    }),
  ),
});

const fixture = Fixture.parse(
  JSON.parse(readFileSync(new URL('./fixtures/dify-keywords.json', import.meta.url), 'utf8')),
);
const current = difyKeywordExtractor('dify-current');
const legacy = difyKeywordExtractor('dify-legacy');
const sorted = (s: ReadonlySet<string>): string[] => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('Dify keyword extraction (jieba TF-IDF, Dify stop words, sub-tokens)', () => {
  it('uses the stop-word list the Python reference used', () => {
    const sortedJson = JSON.stringify(sorted(DIFY_STOPWORDS));
    expect(DIFY_STOPWORDS.size).toBe(fixture.stopwordsCount);
    expect(createHash('sha256').update(sortedJson, 'utf8').digest('hex')).toBe(fixture.stopwordsSha256);
  });

  it('covers each kind of case', () => {
    expect(fixture.cases.filter((c) => c.kind === 'hand-picked')).toHaveLength(26);
    expect(fixture.cases.filter((c) => c.kind === 'query')).toHaveLength(50);
    expect(fixture.cases.filter((c) => c.kind === 'chunk')).toHaveLength(50);
  });

  for (const c of fixture.cases) {
    it(`${c.kind} ${c.id}: same keywords as Dify's Python (both rules)`, () => {
      expect(sorted(current(c.text))).toEqual(c.difyCurrent);
      expect(sorted(legacy(c.text))).toEqual(c.difyLegacy);
    });
  }

  it('spells out a few cases by hand', () => {
    // Chinese with HMM and a stop word dropped ("后", "在", "于" are stop words or single chars).
    expect(sorted(current('小明硕士毕业于中国科学院计算所，后在日本京都大学深造'))).toEqual([
      '中国科学院', '小明', '日本京都大学', '毕业', '深造', '硕士', '计算所',
    ]);
    // Case kept, stop words matched lower-cased: "THE"/"The"/"the" all go, three spellings of Linux stay.
    expect(sorted(current('THE The the tHe Linux LINUX linux'))).toEqual(['LINUX', 'Linux', 'linux']);
    // "18.7%" is one jieba token; its \w+ parts are "18" and "7", and "7" is a Dify stop word.
    expect(current('2024年第3季度营收同比增长18.7%，主要来自云计算业务').has('18')).toBe(true);
    expect(current('2024年第3季度营收同比增长18.7%，主要来自云计算业务').has('7')).toBe(false);
  });
});
