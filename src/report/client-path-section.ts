import { markdownTable } from 'markdown-table';
import type { Results, SearchResult, StoreResult } from '../bench/results/results-schema.js';
import { clientModeLabel, clientModeOf } from '../bench/client-mode.js';
import { comparabilityProblems, storeKey } from './comparability.js';
import { ms, rate } from './format.js';
import { storeLabel } from './store-label.js';

const DASH = '–';

/** One latency row: a workload's search result in a store's results. */
interface Pick {
  readonly label: string;
  readonly of: (s: StoreResult) => SearchResult | undefined;
}

/**
 * The same stores and workloads measured through the pooled client and through Dify's
 * per-retrieval client, side by side: p50 and p99 of each, the setup's cost as the difference of
 * the p50s, and the best concurrent QPS of each. A store fast when pooled but slow to set up
 * ranks differently under Dify; this table is where that shows. The two runs must differ in the
 * client mode alone (same dataset, settings and server versions), else the error says how.
 */
export function clientPathSection(first: { file: string; results: Results }, second: { file: string; results: Results }): string[] {
  const modeA = clientModeOf(first.results.config);
  const modeB = clientModeOf(second.results.config);
  if (modeA === modeB) {
    throw new Error(`--client-path: ${first.file} and ${second.file} both measured the ${modeA} path; give one run of each`);
  }
  const problems = comparabilityProblems([first], [second]).filter((p) => !p.startsWith('workload setting clientMode'));
  if (problems.length > 0) throw new Error(`--client-path: the runs differ in more than the client mode: ${problems.join('; ')}`);
  const [pooled, dify] = modeA === 'pooled' ? [first.results, second.results] : [second.results, first.results];
  const picks: Pick[] = [
    ...pooled.config.kValues.map((k, i): Pick => ({ label: `vector k=${k}`, of: (s) => s.workloads.vector?.[i] })),
    { label: 'vector filtered k=10', of: (s) => s.workloads.filteredVector },
    { label: 'full text k=10', of: (s) => s.workloads.fullText },
    { label: 'Dify hybrid k=10', of: (s) => s.workloads.difyHybrid },
    { label: 'native hybrid k=10', of: (s) => s.workloads.nativeHybrid },
  ];
  const header = ['store', 'workload', 'pooled p50 (ms)', 'Dify p50 (ms)', 'setup cost at p50 (ms)', 'pooled p99 (ms)', 'Dify p99 (ms)'];
  const rows: string[][] = [];
  for (const p of pooled.stores) {
    const d = dify.stores.find((s) => storeKey(s) === storeKey(p));
    if (!d) continue;
    for (const pick of picks) {
      const a = pick.of(p);
      const b = pick.of(d);
      if (a?.status !== 'ok' && b?.status !== 'ok') continue;
      const okA = a?.status === 'ok' ? a : undefined;
      const okB = b?.status === 'ok' ? b : undefined;
      rows.push([
        storeLabel(p),
        pick.label,
        okA ? ms(okA.latency.p50Ms) : outcome(a),
        okB ? ms(okB.latency.p50Ms) : outcome(b),
        okA && okB ? signedMs(okB.latency.p50Ms - okA.latency.p50Ms) : DASH,
        okA ? ms(okA.latency.p99Ms) : outcome(a),
        okB ? ms(okB.latency.p99Ms) : outcome(b),
      ]);
    }
    const qpsA = bestQps(p);
    const qpsB = bestQps(d);
    if (qpsA || qpsB) rows.push([storeLabel(p), 'concurrent, best QPS (clients)', qpsA ?? DASH, qpsB ?? DASH, DASH, DASH, DASH]);
  }
  return [
    `## Client path: ${clientModeLabel('pooled')} vs ${clientModeLabel('dify')}`,
    '',
    rows.length === 0
      ? 'No store measured a search in both runs.'
      : markdownTable([header, ...rows], { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r'] }),
    '',
    `Pooled: ${pooled.runId}; Dify's client path: ${dify.runId}. The Dify column times each store's per-retrieval ` +
      'client setup (as its Dify *_vector.py builds a client for every search; settings.difyClient in the results ' +
      'says what) together with the search.',
    '',
  ];
}

function outcome(r: SearchResult | undefined): string {
  return r === undefined ? DASH : r.status === 'failed' ? 'failed' : 'not supported';
}

function signedMs(v: number): string {
  return v < 0 ? `−${ms(-v)}` : `+${ms(v)}`;
}

function bestQps(s: StoreResult): string | undefined {
  const c = s.workloads.concurrency;
  if (c?.status !== 'ok' || c.levels.length === 0) return undefined;
  const best = c.levels.reduce((a, b) => (b.qps > a.qps ? b : a));
  return `${rate(best.qps)} (${best.clients})`;
}
