import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resultsSchema, type Results } from './results-schema.js';
import { redactStrings } from '../../runtime/secret.js';

/** Writes results atomically (temp file + rename): a crash never leaves a half-written file. */
export async function writeResults(file: string, results: Results): Promise<void> {
  // Every string redacted: no credential of this process reaches a results file, whatever quoted it.
  const checked = resultsSchema.parse(redactStrings(results));
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(checked, null, 1)}\n`);
  await rename(temp, file);
}

/** Reads and validates a results file; the error names the file and the first bad field. */
export async function readResults(file: string): Promise<Results> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read results (${(error as Error).message})`);
  }
  const parsed = resultsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field "${issue?.path.join('.')}": ${issue?.message}`);
  }
  return parsed.data;
}
