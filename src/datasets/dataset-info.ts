import type { Dataset } from './dataset.js';
import type { NeighbourCheck } from './verify-neighbours.js';

/** What `bench datasets info` prints: enough to tell which data a result measured. */
export function describeDataset(d: Dataset): string {
  const m = d.manifest;
  const rawBytes = (d.vectors.length + d.queryVectors.length) * 4;
  const judged = d.qrels.size;
  const withText = d.docs.some((doc) => doc.text !== '');
  const embedding = m['embedding'];
  const lines = [
    `${d.dir}`,
    `  format      ${d.format ?? 'vdb-bench'}`,
    `  name        ${m.name} (${m.language})`,
    `  vectors     ${m.count} × ${m.dims} (${m.metric}), ${mib(d.vectors.length * 4)} float32`,
    `  queries     ${m.queries}, ${mib(d.queryVectors.length * 4)}; ${judged ? `${judged} judged (qrels)` : 'no qrels'}`,
    `  text        ${withText ? 'yes' : 'none (vector workloads only)'}`,
    ...(embedding ? [`  embedding   ${JSON.stringify(embedding)}`] : []),
    `  shipped k   ${d.shippedNeighbours ? `${d.shippedNeighbours.k} (${d.shippedNeighbours.source})` : 'none'}`,
    `  raw bytes   ${mib(rawBytes)} (vectors and query vectors)`,
    `  hash        ${d.contentHash}`,
    `  source      ${m.source}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** What `bench datasets verify` prints about shipped neighbour lists. */
export function describeNeighbourCheck(c: NeighbourCheck | undefined): string {
  if (!c) return '  neighbours  none shipped; exact ground truth is computed by the harness\n';
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const lines = [
    `  neighbours  ${c.source}: ${c.sampled} sampled queries, k=${c.k}`,
    `    recall vs exact ground truth  ${pct(c.recall)} (${pct(c.agreement)} counting ties with the k-th score)`,
    `    queries disagreeing           ${c.queriesDisagreeing} of ${c.sampled}`,
    ...c.worst.map(
      (w) => `    query ${w.queryId}: recall ${pct(w.recall)}${w.wrong.length ? `, not in the exact top-${c.k}: ${w.wrong.slice(0, 5).join(', ')}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
