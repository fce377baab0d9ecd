import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resultsSchema, type Results } from './results-schema.js';
import { mapJsonStrings } from '../../runtime/json-strings.js';
import { withoutMachinePaths } from '../../runtime/machine-paths.js';
import { redact } from '../../runtime/secret.js';

/**
 * The results file could not be written (the disk is full, the folder is read-only): not the
 * user's input, so the CLI exits 1 with this one line. Whatever was at `file` is unchanged.
 */
export class ResultsWriteError extends Error {
  readonly exitCode = 1;
  constructor(file: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException;
    const why = e.code ? `${DESCRIPTIONS[e.code] ?? e.message} (${e.code})` : String(e.message ?? cause);
    super(`${file}: cannot write results: ${why}; the file there is unchanged`);
    this.name = 'ResultsWriteError';
  }
}

const DESCRIPTIONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
};

/**
 * Writes results atomically (temp file + rename): a crash or a full disk never leaves a
 * half-written file, and a failed write removes its temp file (on a full disk nobody else would).
 */
export async function writeResults(file: string, results: Results): Promise<void> {
  // Every string redacted (no credential of this process reaches a results file, whatever quoted
  // it) and without this machine's paths: results files are published as they are.
  const checked = resultsSchema.parse(mapJsonStrings(results, (text) => withoutMachinePaths(redact(text), process.cwd())));
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temp, `${JSON.stringify(checked, null, 1)}\n`);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new ResultsWriteError(file, error);
  }
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
