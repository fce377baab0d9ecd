/**
 * How many keyword sets of a dataset differ from Dify's Python output, for the harness's previous
 * extractor (@node-rs/jieba defaults, every tag) and for the current port, under both Dify rules.
 *
 *   /tmp/jieba-venv/bin/python scripts/dify-keywords-reference.py dataset datasets/linux-doc-minilm \
 *       > /tmp/dify-keywords-dataset.json
 *   npx tsx scripts/measure-keyword-diff.ts datasets/linux-doc-minilm /tmp/dify-keywords-dataset.json
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';
import { z } from 'zod';
import { difyKeywordExtractor, type KeywordExtractor } from '../src/bench/hybrid/keyword-extractor.js';

const BothRules = z.object({ difyCurrent: z.array(z.string()), difyLegacy: z.array(z.string()) });
const Reference = z.object({ queries: z.record(z.string(), BothRules), chunks: z.record(z.string(), BothRules) });
const Line = z.object({ id: z.string(), text: z.string() });

/** The extractor as it was before this port (git 9c1d432, src/bench/hybrid/keyword-extractor.ts). */
function previousExtractor(): KeywordExtractor {
  const jieba = Jieba.withDict(dict);
  const tfidf = TfIdf.withDict(idf);
  return (text) => {
    const keywords = new Set<string>();
    for (const { keyword } of tfidf.extractKeywords(jieba, text, 100_000, [])) {
      keywords.add(keyword);
      const parts = keyword.match(/[\p{L}\p{N}_]+/gu) ?? [];
      if (parts.length > 1) for (const part of parts) keywords.add(part);
    }
    return keywords;
  };
}

function readJsonl(path: string): z.infer<typeof Line>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const parsed = Line.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

const same = (a: ReadonlySet<string>, b: readonly string[]): boolean => a.size === b.length && b.every((k) => a.has(k));

function main(): void {
  const [datasetDir, referencePath] = process.argv.slice(2);
  if (!datasetDir || !referencePath) throw new Error('usage: measure-keyword-diff.ts <dataset dir> <reference json>');
  const reference = Reference.parse(JSON.parse(readFileSync(referencePath, 'utf8')));
  const sets = {
    queries: { lines: readJsonl(join(datasetDir, 'queries.jsonl')), expected: reference.queries },
    chunks: { lines: readJsonl(join(datasetDir, 'docs.jsonl')), expected: reference.chunks },
  };
  const extractors: Record<string, KeywordExtractor> = {
    previous: previousExtractor(),
    'dify-current': difyKeywordExtractor('dify-current'),
    'dify-legacy': difyKeywordExtractor('dify-legacy'),
  };
  for (const [name, extract] of Object.entries(extractors)) {
    for (const [kind, { lines, expected }] of Object.entries(sets)) {
      let vsCurrent = 0;
      let vsLegacy = 0;
      const started = process.hrtime.bigint();
      for (const { id, text } of lines) {
        const want = expected[id];
        if (!want) throw new Error(`${referencePath}: no ${kind} entry for ${id}`);
        const got = extract(text);
        if (!same(got, want.difyCurrent)) vsCurrent++;
        if (!same(got, want.difyLegacy)) vsLegacy++;
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(
        `${name.padEnd(13)} ${kind.padEnd(8)} n=${lines.length}  differ from Dify current: ${vsCurrent}  ` +
          `from Dify legacy: ${vsLegacy}  (${(ms / lines.length).toFixed(3)} ms each)`,
      );
    }
  }
}

main();
