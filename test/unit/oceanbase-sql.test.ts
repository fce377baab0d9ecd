import { describe, expect, it } from 'vitest';
import { oceanbaseTableName, uuidV5 } from '../../src/adapters/oceanbase/oceanbase-ids.js';
import { METRIC_SQL, float32Text, vectorLiteral } from '../../src/adapters/oceanbase/oceanbase-sql.js';
import { MIN_VECTOR_VERSION, parseObVersion, versionAtLeast } from '../../src/adapters/oceanbase/oceanbase-version.js';
import { vector } from '../integration/fixtures/fruit-chunks.js';

/** OceanBase's pure parts: version gate, score conversions, vector literals, ids and table names. */
describe('oceanbase pure parts', () => {
  it('gates versions as pyobvector does (below 4.3.3.0 has no vector store)', () => {
    expect(parseObVersion('4.3.5.3')).toEqual([4, 3, 5, 3]);
    expect(parseObVersion('4.2.1')).toEqual([4, 2, 1, 0]);
    expect(parseObVersion('5.7.25-OceanBase')).toEqual([5, 7, 25, 0]);
    expect(parseObVersion('seekdb')).toBeUndefined();
    expect(versionAtLeast([4, 3, 3, 0], MIN_VECTOR_VERSION)).toBe(true);
    expect(versionAtLeast([4, 3, 2, 9], MIN_VECTOR_VERSION)).toBe(false);
    expect(versionAtLeast([4, 4, 0, 0], MIN_VECTOR_VERSION)).toBe(true);
  });

  it("converts distances to Dify's scores", () => {
    expect(METRIC_SQL.l2.score(3)).toBeCloseTo(0.25, 12);
    expect(METRIC_SQL.cosine.score(0.2)).toBeCloseTo(0.8, 12);
    expect(METRIC_SQL.ip.score(-0.2)).toBeCloseTo(0.2, 12);
  });

  it('writes vectors with the shortest float32 digits', () => {
    expect(float32Text(0.1)).toBe('0.1');
    expect(float32Text(Math.fround(1 / 3))).toBe('0.33333334');
    expect(float32Text(-2)).toBe('-2');
    expect(vectorLiteral(Float32Array.from([0.5, -0.25, 1e-7]))).toBe('[0.5,-0.25,1e-7]');
    for (let i = 0; i < 50; i++) {
      for (const x of vector(i)) expect(Math.fround(Number(float32Text(x)))).toBe(x);
    }
  });

  it('maps chunk ids to UUIDv5 and dataset names to table names deterministically', () => {
    expect(uuidV5('chunk-1')).toBe(uuidV5('chunk-1'));
    expect(uuidV5('chunk-1')).not.toBe(uuidV5('chunk-2'));
    expect(uuidV5('chunk-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(oceanbaseTableName('Bench-Run.1')).toBe('vector_index_bench_run_1_node');
    expect(oceanbaseTableName('x'.repeat(100))).toHaveLength(64);
  });
});
