import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePgbenchOutput } from '../../src/adapters/pgvector/pgbench-output.js';
import { VectorEncodingCache, vectorBinary, vectorLiteral } from '../../src/adapters/pgvector/pgvector-vector-param.js';
import { literalVectorQuery } from '../../src/adapters/pgvector/pgvector-selftest.js';

describe('pgvector query vector encodings', () => {
  it('writes the text literal Dify sends', () => {
    expect(vectorLiteral(Float32Array.from([0.5, -0.25, 1]))).toBe('[0.5,-0.25,1]');
  });

  it("writes pgvector's binary input: int16 dims, int16 0, big-endian float4s", () => {
    const b = vectorBinary(Float32Array.from([1, -2.5, 0.1]));
    // 0.1f is 0x3dcccccd; 1 is 0x3f800000; -2.5 is 0xc0200000.
    expect(b.toString('hex')).toBe('00030000' + '3f800000' + 'c0200000' + '3dcccccd');
  });

  it('refuses an empty vector and one wider than pgvector allows', () => {
    expect(() => vectorBinary(new Float32Array(0))).toThrow('pgvector: a vector needs 1 to 16000 dimensions, got 0');
    expect(() => vectorBinary(new Float32Array(16001))).toThrow('got 16001');
  });
});

describe('VectorEncodingCache', () => {
  const counting = () => {
    let calls = 0;
    const cache = new VectorEncodingCache((v) => {
      calls++;
      return vectorLiteral(v);
    });
    return { cache, calls: () => calls };
  };

  it('encodes a vector once however often it is asked, also through fresh subarray views', () => {
    const { cache, calls } = counting();
    const matrix = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const first = cache.get(matrix.subarray(3, 6));
    expect(first).toBe('[4,5,6]');
    expect(cache.get(matrix.subarray(3, 6))).toBe(first);
    expect(cache.get(matrix.subarray(0, 3))).toBe('[1,2,3]');
    expect(cache.get(matrix.subarray(3, 6))).toBe('[4,5,6]');
    expect(calls()).toBe(2);
    expect(cache.size).toBe(2);
  });

  it('encodes anew a vector changed in place, and keeps one entry for it', () => {
    const { cache, calls } = counting();
    const v = Float32Array.from([1, 2]);
    expect(cache.get(v)).toBe('[1,2]');
    v[1] = 7;
    expect(cache.get(v)).toBe('[1,7]');
    expect(cache.get(v)).toBe('[1,7]');
    expect(calls()).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('tells apart views at one offset with different lengths, and equal values in different buffers', () => {
    const { cache, calls } = counting();
    const m = Float32Array.from([1, 2, 3]);
    expect(cache.get(m.subarray(0, 2))).toBe('[1,2]');
    expect(cache.get(m.subarray(0, 3))).toBe('[1,2,3]');
    expect(cache.get(Float32Array.from([1, 2]))).toBe('[1,2]');
    expect(calls()).toBe(3);
  });

  it('stops caching at maxEntries but still encodes correctly', () => {
    let calls = 0;
    const cache = new VectorEncodingCache((v) => (calls++, vectorLiteral(v)), 1);
    const a = Float32Array.from([1]);
    const b = Float32Array.from([2]);
    expect(cache.get(a)).toBe('[1]');
    expect(cache.get(b)).toBe('[2]');
    expect(cache.get(b)).toBe('[2]');
    expect(cache.get(a)).toBe('[1]');
    expect(calls).toBe(3);
    expect(cache.size).toBe(1);
  });
});

describe('parsePgbenchOutput', () => {
  it("reads PostgreSQL 15's pgbench summary", () => {
    const out = readFileSync(new URL('./fixtures/pgbench-15-prepared.txt', import.meta.url), 'utf8');
    expect(parsePgbenchOutput(out)).toEqual({
      queryMode: 'prepared',
      clients: 2,
      threads: 2,
      transactions: 23919,
      failed: 0,
      latencyAverageMs: 0.083,
      tps: 24105.431406,
    });
  });

  it('counts failed transactions and takes 0 where an older pgbench prints none', () => {
    const base = 'query mode: simple\nnumber of clients: 1\nnumber of threads: 1\nnumber of transactions actually processed: 10\n' +
      'latency average = 0.400 ms\ntps = 2500.000000 (without initial connection time)\n';
    expect(parsePgbenchOutput(base).failed).toBe(0);
    expect(parsePgbenchOutput(`${base}number of failed transactions: 3 (23.077%)\n`).failed).toBe(3);
  });

  it('names the missing field and shows the last lines', () => {
    expect(() => parsePgbenchOutput('query mode: simple\nnumber of clients: 1\nnumber of threads: 1\nconnection to server failed\n')).toThrow(
      'pgbench: no "number of transactions actually processed" in its output (last lines: number of clients: 1 | number of threads: 1 | connection to server failed)',
    );
  });
});

describe('literalVectorQuery', () => {
  it("is the adapter's query with the vector as a quoted literal, as psycopg2 sends Dify's", () => {
    expect(literalVectorQuery({ collection: 'Kb_1', metric: 'cosine', vector: Float32Array.from([0.5, -1]), k: 4 })).toBe(
      "SELECT meta, text, embedding <=> '[0.5,-1]' AS distance FROM embedding_kb_1 ORDER BY distance LIMIT 4",
    );
  });
});
