import { describe, expect, it } from 'vitest';
import { difyFullTextQuery } from '../../src/bench/workloads/dify-full-text-query.js';

describe("Dify's escape_query_for_search", () => {
  it('escapes every double quote with a backslash and leaves everything else', () => {
    expect(difyFullTextQuery('The "tc" qdisc')).toBe('The \\"tc\\" qdisc');
    expect(difyFullTextQuery('"a""b"')).toBe('\\"a\\"\\"b\\"');
    expect(difyFullTextQuery("it's 「中文」 \\n")).toBe("it's 「中文」 \\n");
  });
});
