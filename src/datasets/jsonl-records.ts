import { stat } from 'node:fs/promises';
import type { Hash } from 'node:crypto';
import type { z } from 'zod';
import { DatasetError } from './dataset-error.js';
import { streamLines, type Line } from './stream-lines.js';

/**
 * Every line of a JSONL file validated by `schema` (zod, at the edge), streamed, with unique ids
 * (`idOf`); errors name the file, line and field. Blank lines are an error too: in these formats a
 * line is a record and its position is its vector row.
 */
export async function readJsonlRecords<S extends z.ZodType, R = z.infer<S>>(
  file: string,
  schema: S,
  idOf: (record: z.infer<S>) => string,
  hash: Hash,
  /** What to keep of each valid record (default: the record), given its line's place in the file. */
  keep: (record: z.infer<S>, line: Line) => R = (record) => record as R,
): Promise<R[]> {
  await stat(file).catch(() => {
    throw new DatasetError(file, '', 'missing (required by the dataset format)');
  });
  const records: R[] = [];
  const seen = new Set<string>();
  for await (const line of streamLines(file, hash)) {
    const { lineNo, text } = line;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DatasetError(file, String(lineNo), `not valid JSON (${(error as Error).message})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DatasetError(file, String(lineNo), `field "${issue?.path.join('.')}": ${issue?.message}`);
    }
    const id = idOf(parsed.data);
    if (seen.has(id)) throw new DatasetError(file, String(lineNo), `duplicate id "${id}"`);
    seen.add(id);
    records.push(keep(parsed.data, line));
  }
  return records;
}
