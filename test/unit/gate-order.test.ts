import { describe, expect, it } from 'vitest';
import { roundOrder } from '../../src/bench/gate/gate-order.js';

describe('gate round order', () => {
  it('alternates two sides and rotates three, so each side runs in every position equally often', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(['base', 'head'], r).join(''))).toEqual(['basehead', 'headbase', 'basehead', 'headbase']);
    expect([0, 1, 2, 3].map((r) => roundOrder(['B', 'A', 'D'], r).join(''))).toEqual(['BAD', 'ADB', 'DBA', 'BAD']);
    expect(roundOrder([], 3)).toEqual([]);
  });
});
