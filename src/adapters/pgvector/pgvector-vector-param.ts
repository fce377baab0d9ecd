/**
 * How a query vector goes to PostgreSQL, and a cache so the same vector is encoded once.
 *
 * The text form (`[0.1,0.2,...]`, what Dify sends as json.dumps) costs the client one
 * Number → shortest-string conversion per dimension on every call (tens of µs at 128 dims) and the
 * server one strtof per dimension. The binary form is what pgvector's `vector_recv` reads: int16
 * dims, int16 unused (0), then dims × float4, big-endian. node-postgres sends a Buffer parameter
 * in binary format, and the server infers `vector` from `embedding <=> $1`, so the SQL text and
 * the value the server compares against are the same (float32 in, float32 stored).
 */

/** pgvector's `vector` type holds at most 16000 dimensions (VECTOR_MAX_DIM). */
const MAX_DIMS = 16000;

/** pgvector's text input: `[1,2,3]` (what Dify sends as json.dumps(vector)). */
export function vectorLiteral(v: Float32Array): string {
  return `[${Array.from(v).join(',')}]`;
}

/** pgvector's binary input (vector_recv): int16 dims, int16 0, dims × float4, big-endian. */
export function vectorBinary(v: Float32Array): Buffer {
  if (v.length === 0 || v.length > MAX_DIMS) throw new Error(`pgvector: a vector needs 1 to ${MAX_DIMS} dimensions, got ${v.length}`);
  const out = Buffer.allocUnsafe(4 + 4 * v.length);
  out.writeInt16BE(v.length, 0);
  out.writeInt16BE(0, 2);
  for (let i = 0; i < v.length; i++) out.writeFloatBE(v[i] as number, 4 + 4 * i);
  return out;
}

interface Entry<T> {
  /** The vector's bytes when it was encoded: a hit must still hold the same values. */
  readonly bytes: Uint8Array;
  readonly encoded: T;
}

/**
 * Encodes each query vector once. Keyed by where the values live (the ArrayBuffer, byte offset
 * and length), not by the Float32Array object: the workloads hand out a fresh `subarray` view of
 * the dataset's query matrix on every call, and those views share one buffer. A hit is checked
 * against a copy of the bytes (one memcmp, far cheaper than encoding), so a vector changed in
 * place is encoded anew, never answered from a stale entry. At most `maxEntries` vectors are cached
 * over the cache's life (one per collection handle); beyond that a vector is encoded on every call
 * (still correct, just not cached).
 */
export class VectorEncodingCache<T> {
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Map<number, Entry<T>>>();
  private entries = 0;

  constructor(
    private readonly encode: (v: Float32Array) => T,
    private readonly maxEntries = 100_000,
  ) {}

  /** Vectors currently cached. */
  get size(): number {
    return this.entries;
  }

  get(v: Float32Array): T {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    let atOffset = this.byBuffer.get(v.buffer);
    const hit = atOffset?.get(v.byteOffset);
    if (hit && hit.bytes.length === bytes.length && Buffer.compare(hit.bytes, bytes) === 0) return hit.encoded;
    const encoded = this.encode(v);
    if (!hit && this.entries >= this.maxEntries) return encoded;
    if (!atOffset) {
      atOffset = new Map();
      this.byBuffer.set(v.buffer, atOffset);
    }
    if (!hit) this.entries++;
    atOffset.set(v.byteOffset, { bytes: Uint8Array.from(bytes), encoded });
    return encoded;
  }
}
