/** Graded relevance of doc ids for one query (qrels), as the dataset's qrels.tsv gives it. */
export type Judgements = ReadonlyMap<string, number>;

/** nDCG@k with gain 2^rel − 1 and log2(rank + 1) discount; 0 when nothing is relevant. */
export function ndcgAtK(returned: readonly string[], judgements: Judgements, k: number): number {
  const dcg = returned
    .slice(0, k)
    .reduce((sum, id, i) => sum + (2 ** (judgements.get(id) ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = [...judgements.values()]
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, rel, i) => sum + (2 ** rel - 1) / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Reciprocal rank of the first relevant doc within the first k; 0 if none. */
export function reciprocalRankAtK(returned: readonly string[], judgements: Judgements, k: number): number {
  const index = returned.slice(0, k).findIndex((id) => (judgements.get(id) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}
