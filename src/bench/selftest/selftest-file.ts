import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { selftestResultsSchema, type SelftestResults } from './selftest-results.js';

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** Writes the selftest's JSON (validated) and its markdown beside it, each atomically; returns the markdown's path. */
export async function writeSelftestResults(file: string, results: SelftestResults, markdown: string): Promise<string> {
  const checked = selftestResultsSchema.parse(results);
  await mkdir(dirname(file), { recursive: true });
  await writeAtomically(file, `${JSON.stringify(checked, null, 1)}\n`);
  const reportFile = file.replace(/\.json$/, '') + '.md';
  await writeAtomically(reportFile, markdown);
  return reportFile;
}
