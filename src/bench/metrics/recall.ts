/**
 * recall@k: the share of the exact top-k that the store returned in its top k. When a filter
 * leaves fewer than k candidates, the denominator is what exists, so a perfect answer scores 1.
 */
export function recallAtK(returned: readonly string[], truth: readonly string[], k: number): number {
  const expected = truth.slice(0, k);
  if (expected.length === 0) return 1;
  const got = new Set(returned.slice(0, k));
  let found = 0;
  for (const id of expected) if (got.has(id)) found++;
  return found / expected.length;
}
