import { describe, expect, it } from 'vitest';
import { baseTables } from '../../src/adapters/oceanbase/oceanbase-retrieval-client.js';

describe('baseTables (what MetaData.reflect reflects from SHOW FULL TABLES)', () => {
  it('keeps base tables in order, skips views, reads the Tables_in_<db> column whatever the database', () => {
    expect(
      baseTables([
        { Tables_in_test: 'vector_index_a', Table_type: 'BASE TABLE' },
        { Tables_in_test: 'some_view', Table_type: 'VIEW' },
        { Tables_in_test: 'vector_index_b', Table_type: 'BASE TABLE' },
      ]),
    ).toEqual(['vector_index_a', 'vector_index_b']);
    expect(baseTables([{ Tables_in_dify: 't1', Table_type: 'BASE TABLE' }])).toEqual(['t1']);
    expect(baseTables([{ name: 't1', Table_type: 'BASE TABLE' }])).toEqual([]);
  });
});
