import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { Metric } from '../adapters/store-adapter.js';
import { DatasetError } from './dataset-error.js';
import { checkRows } from './vector-checks.js';

/** Rows decoded per read when the file has an offset index (pages can be picked). */
const BATCH_ROWS = 8192;

export interface ParquetFile {
  readonly file: string;
  readonly metadata: FileMetaData;
  readonly rows: number;
  readonly columns: readonly string[];
}

export async function openParquet(file: string): Promise<ParquetFile> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
  } catch (error) {
    throw new DatasetError(file, '', `cannot be read as parquet (${(error as Error).message})`);
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  return { file, metadata, rows: Number(metadata.num_rows), columns };
}

export function requireColumn(p: ParquetFile, column: string): void {
  if (!p.columns.includes(column)) {
    throw new DatasetError(p.file, `column "${column}"`, `missing (columns: ${p.columns.join(', ')})`);
  }
}

/**
 * Calls `onRows(start, end, columns)` for consecutive row ranges covering the file, with the
 * decoded values of `columns` for those rows. hyparquet decodes a list column into JS arrays,
 * so ranges stay small (a row group, or 8192 rows where an offset index lets pages be picked)
 * and callers copy into typed arrays at once: memory stays bounded by one range.
 */
export async function forEachRowRange(
  p: ParquetFile,
  columns: readonly string[],
  onRows: (start: number, end: number, data: ReadonlyMap<string, ArrayLike<unknown>>) => void,
): Promise<void> {
  const file = await asyncBufferFromFile(p.file);
  let groupStart = 0;
  for (const group of p.metadata.row_groups) {
    const groupRows = Number(group.num_rows);
    const indexed = group.columns.every((c) => c.offset_index_offset !== undefined);
    const step = indexed ? BATCH_ROWS : groupRows;
    for (let start = groupStart; start < groupStart + groupRows; start += step) {
      const end = Math.min(groupStart + groupRows, start + step);
      const data = new Map<string, unknown[]>();
      for (const c of columns) data.set(c, new Array<unknown>(end - start));
      await parquetRead({
        file,
        metadata: p.metadata,
        columns: [...columns],
        rowStart: start,
        rowEnd: end,
        useOffsetIndex: indexed,
        compressors,
        onChunk: (chunk) => {
          const target = data.get(chunk.columnName);
          if (!target) return;
          // A chunk may cover more rows than asked (a whole page); keep only ours.
          for (let r = Math.max(start, chunk.rowStart); r < Math.min(end, chunk.rowEnd); r++) {
            target[r - start] = chunk.columnData[r - chunk.rowStart];
          }
        },
      });
      onRows(start, end, data);
    }
    groupStart += groupRows;
  }
}

/** The length of the first list in a list<float> column: the dataset's dims. */
export async function firstListLength(p: ParquetFile, column: string): Promise<number> {
  requireColumn(p, column);
  let length: number | undefined;
  const file = await asyncBufferFromFile(p.file);
  await parquetRead({
    file,
    metadata: p.metadata,
    columns: [column],
    rowStart: 0,
    rowEnd: 1,
    compressors,
    onChunk: (chunk) => {
      const first = chunk.columnData[0 - chunk.rowStart];
      if (Array.isArray(first) || first instanceof Float32Array || first instanceof Float64Array) length ??= first.length;
    },
  });
  if (!length) throw new DatasetError(p.file, `column "${column}" row 0`, 'is not a non-empty list of numbers');
  return length;
}

/**
 * Copies a list<float> column into rows [offset, offset + p.rows) of `out` (rows × dims, shared
 * memory), checking each row (length, finiteness, zero vectors under cosine); errors name the
 * file, column and row.
 */
export async function readVectorColumnInto(
  p: ParquetFile,
  column: string,
  metric: Metric,
  dims: number,
  out: Float32Array,
  offset: number,
): Promise<void> {
  requireColumn(p, column);
  await forEachRowRange(p, [column], (start, end, data) => {
    const values = data.get(column) as ArrayLike<unknown>;
    for (let r = start; r < end; r++) {
      const v = values[r - start];
      if (!Array.isArray(v) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) {
        throw new DatasetError(p.file, `column "${column}" row ${r}`, 'is not a list of numbers');
      }
      const list = v as ArrayLike<unknown>;
      if (list.length !== dims) {
        throw new DatasetError(p.file, `column "${column}" row ${r}`, `has ${list.length} values, expected ${dims}`);
      }
      const base = (offset + r) * dims;
      for (let c = 0; c < dims; c++) {
        const x = list[c];
        if (typeof x !== 'number') {
          throw new DatasetError(p.file, `column "${column}" row ${r}`, `value ${c} is ${x === null ? 'null' : typeof x}, not a number`);
        }
        out[base + c] = x;
      }
    }
    checkRows(out, dims, metric, offset + start, offset + end, (r, c) => ({
      file: p.file,
      where: `column "${column}" row ${r - offset} value ${c}`,
      row: r - offset,
    }));
  });
}

/** An integer column (ids) as float64, exact up to 2^53; bigint ids above that are refused. */
export async function readIdColumn(p: ParquetFile, column: string): Promise<Float64Array> {
  requireColumn(p, column);
  const ids = new Float64Array(p.rows);
  await forEachRowRange(p, [column], (start, end, data) => {
    const values = data.get(column) as ArrayLike<unknown>;
    for (let r = start; r < end; r++) ids[r] = toSafeInteger(p.file, column, r, values[r - start]);
  });
  return ids;
}

export function toSafeInteger(file: string, column: string, row: number, value: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new DatasetError(file, `column "${column}" row ${row}`, `${String(value)} is not an integer id`);
  }
  return n;
}

export async function hashFileInto(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk);
}
