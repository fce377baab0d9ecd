import { open, stat } from 'node:fs/promises';
import type { Hash } from 'node:crypto';
import type { Metric } from '../adapters/store-adapter.js';
import { DatasetError } from './dataset-error.js';
import { sharedFloat32 } from './shared-floats.js';
import { checkRows } from './vector-checks.js';

const CHUNK_BYTES = 16 << 20;

/**
 * Reads `rows × dims` little-endian float32 straight into shared memory, 16 MiB at a time: the
 * file's bytes land in their final place, so loading costs the vectors' size and no copy.
 * Checks the size first and every row's values after (non-finite, zero under cosine), each
 * error naming the file and byte offset. `countField` names the manifest field that set `rows`.
 */
export async function readFloat32File(
  file: string,
  rows: number,
  dims: number,
  metric: Metric,
  hash: Hash,
  countField: string,
): Promise<Float32Array> {
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new DatasetError(file, '', 'missing (required by the dataset format)');
    },
  );
  const expected = rows * dims * 4;
  if (size !== expected) {
    throw new DatasetError(
      file,
      `byte ${Math.min(size, expected)}`,
      `size is ${size} bytes, expected ${rows} × ${dims} × 4 = ${expected} (${countField} × dims × 4)`,
    );
  }
  const vectors = sharedFloat32(rows * dims);
  // Float32Array bytes are little-endian on every platform Node supports for this tool (x64, arm64).
  // One byte view per chunk: a Uint8Array over the whole buffer would exceed V8's typed-array
  // length limit past 4 GiB (1M × 1536 float32 is 6.1 GB).
  const handle = await open(file, 'r');
  try {
    for (let offset = 0; offset < expected; ) {
      const chunk = new Uint8Array(vectors.buffer, offset, Math.min(CHUNK_BYTES, expected - offset));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, offset);
      if (bytesRead === 0) throw new DatasetError(file, `byte ${offset}`, 'ended early while reading');
      hash.update(chunk.subarray(0, bytesRead));
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
  checkRows(vectors, dims, metric, 0, rows, (r, c) => ({ file, where: `byte ${(r * dims + c) * 4}` }));
  return vectors;
}
