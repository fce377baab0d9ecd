import { writeFile } from 'node:fs/promises';
import { readResults } from '../bench/results/results-file.js';
import { benchmarkExport } from './benchmark-export.js';
import { comparabilityProblems, storeKey, type NamedResults } from './comparability.js';
import { compareRounds, renderComparison, type CompareThresholds } from './compare.js';

/** Exit codes of `bench compare`, for CI. */
export const EXIT_OK = 0;
export const EXIT_REGRESSION = 1;
export const EXIT_NOT_COMPARABLE = 2;

export interface CompareRequest {
  readonly baselineFiles: readonly string[];
  readonly currentFiles: readonly string[];
  readonly thresholds: CompareThresholds;
  /** github-action-benchmark JSON of the current side: customSmallerIsBetter / customBiggerIsBetter. */
  readonly smallerIsBetterFile?: string;
  readonly biggerIsBetterFile?: string;
}

/** Reads both sides, checks they are comparable, compares; returns the markdown and the exit code. */
export async function runCompare(request: CompareRequest): Promise<{ markdown: string; exitCode: number }> {
  const read = async (files: readonly string[]): Promise<NamedResults[]> =>
    Promise.all(files.map(async (file) => ({ file, results: await readResults(file) })));
  const baseline = await read(request.baselineFiles);
  const current = await read(request.currentFiles);
  const problems = comparabilityProblems(baseline, current);
  if (problems.length > 0) {
    const markdown = `**Not comparable** (exit ${EXIT_NOT_COMPARABLE}):\n\n${problems.map((p) => `- not comparable: ${p}\n`).join('')}`;
    return { markdown, exitCode: EXIT_NOT_COMPARABLE };
  }
  const exported = benchmarkExport(current.map((c) => c.results));
  if (request.smallerIsBetterFile) await writeFile(request.smallerIsBetterFile, `${JSON.stringify(exported.smaller, null, 1)}\n`);
  if (request.biggerIsBetterFile) await writeFile(request.biggerIsBetterFile, `${JSON.stringify(exported.bigger, null, 1)}\n`);
  const rows = compareRounds(baseline, current, request.thresholds);
  const baseKeys = new Set(baseline[0]?.results.stores.map(storeKey));
  const currentKeys = new Set(current[0]?.results.stores.map(storeKey));
  const notes = [
    ...[...baseKeys].filter((k) => !currentKeys.has(k)).map((k) => `${k} is in the baseline only: not compared`),
    ...[...currentKeys].filter((k) => !baseKeys.has(k)).map((k) => `${k} is in the current run only: not compared`),
  ];
  const exitCode = rows.some((r) => r.verdict === 'regression') ? EXIT_REGRESSION : EXIT_OK;
  return { markdown: renderComparison(rows, request.thresholds, notes), exitCode };
}
