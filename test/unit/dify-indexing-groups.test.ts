import { describe, expect, it } from 'vitest';
import type { Doc } from '../../src/adapters/store-adapter.js';
import { chunksByDocument, difyIndexingGroups } from '../../src/bench/workloads/dify-indexing-groups.js';

const chunk = (text: string, documentId = 'doc-1'): Doc => ({ id: text, documentId, text, vector: new Float32Array(1) });
const texts = (groups: Doc[][]): string[][] => groups.map((g) => g.map((d) => d.text));

describe("Dify's indexing groups (IndexingRunner._load)", () => {
  it('puts each chunk in group int(sha256(text + "None"), 16) % 10, groups in index order, empty ones skipped', () => {
    // Expected groups from Python, as Dify computes them:
    //   python3 -c "import hashlib; print({t: int(hashlib.sha256((t+'None').encode()).hexdigest(), 16) % 10 for t in [...]})"
    // alpha 6, beta 5, gamma 5, delta 2, epsilon 3, zeta 5, eta 9, theta 7, iota 0, kappa 0, lambda 5, mu 3
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];
    expect(texts(difyIndexingGroups(words.map((w) => chunk(w))))).toEqual([
      ['iota', 'kappa'],
      ['delta'],
      ['epsilon', 'mu'],
      ['beta', 'gamma', 'zeta', 'lambda'],
      ['alpha'],
      ['theta'],
      ['eta'],
    ]);
  });

  it('indexes documents one after another, in the order of their first chunk', () => {
    const docs = [chunk('a', 'd2'), chunk('b', 'd1'), chunk('c', 'd2'), chunk('d', 'd3')];
    expect(texts(chunksByDocument(docs))).toEqual([['a', 'c'], ['b'], ['d']]);
  });
});
