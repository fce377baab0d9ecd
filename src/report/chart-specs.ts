import type { TopLevelSpec } from 'vega-lite';
import type { Results, SearchResult, StoreResult } from '../bench/results/results-schema.js';
import { storeLabel } from './store-label.js';

/** One chart of a report: `id` names its SVG file, `title` is its caption. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const WIDTH = 520;
const MiB = 2 ** 20;
// Rounded so that the SVG (and its byte-for-byte equality across renders) does not hinge on float noise.
const round = (v: number, digits = 3): number => Number(v.toFixed(digits));
const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white' } as const;

/**
 * The charts a results file supports, each a Vega-Lite spec with its data inline. A chart whose
 * data the run did not measure is left out, so no chart is ever empty.
 */
export function chartSpecs(results: Results): ChartSpec[] {
  return [qpsChart(results), latencyChart(results), recallChart(results), memoryChart(results), leastMemoryChart(results)].filter(
    (c): c is ChartSpec => c !== undefined,
  );
}

function storeOrder(results: Results): string[] {
  return results.stores.map(storeLabel);
}

export function qpsChart(results: Results): ChartSpec | undefined {
  const values = results.stores.flatMap((s) => {
    const c = s.workloads.concurrency;
    if (c?.status !== 'ok') return [];
    return c.levels.map((l) => ({ store: storeLabel(s), clients: l.clients, qps: round(l.qps, 1) }));
  });
  if (values.length === 0) return undefined;
  return {
    id: 'qps-clients',
    title: 'Concurrent vector search (k=4): QPS against clients',
    spec: {
      ...base,
      width: WIDTH,
      height: 260,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'clients', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: results.config.concurrencyLevels } },
        y: { field: 'qps', type: 'quantitative', title: 'QPS' },
        color: { field: 'store', type: 'nominal', sort: storeOrder(results) },
      },
    },
  };
}

/** The search workloads in report order, named as the tables name them. */
function searchWorkloads(results: Results): Array<[string, (s: StoreResult) => SearchResult | undefined]> {
  return [
    ...results.config.kValues.map((k, i): [string, (s: StoreResult) => SearchResult | undefined] => [
      `vector k=${k}`,
      (s) => s.workloads.vector?.[i],
    ]),
    ['vector filtered', (s) => s.workloads.filteredVector],
    ['full text', (s) => s.workloads.fullText],
    ['Dify hybrid', (s) => s.workloads.difyHybrid],
    ['native hybrid', (s) => s.workloads.nativeHybrid],
  ];
}

export function latencyChart(results: Results): ChartSpec | undefined {
  const values = searchWorkloads(results).flatMap(([workload, pick]) =>
    results.stores.flatMap((s) => {
      const r = pick(s);
      if (r?.status !== 'ok') return [];
      const l = r.latency;
      return [
        { workload, store: storeLabel(s), percentile: 'p50', ms: round(l.p50Ms) },
        { workload, store: storeLabel(s), percentile: 'p95', ms: round(l.p95Ms) },
        { workload, store: storeLabel(s), percentile: 'p99', ms: round(l.p99Ms) },
      ];
    }),
  );
  if (values.length === 0) return undefined;
  const workloads = [...new Set(values.map((v) => v.workload))];
  return {
    id: 'latency-percentiles',
    title: 'Latency percentiles per workload (ms, log scale)',
    spec: {
      ...base,
      data: { values },
      facet: { row: { field: 'workload', type: 'nominal', sort: workloads, header: { labelAngle: 0, labelAlign: 'left', title: null } } },
      spec: {
        width: WIDTH - 100,
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
          y: { field: 'store', type: 'nominal', sort: storeOrder(results), title: null },
          color: { field: 'percentile', type: 'nominal', sort: ['p50', 'p95', 'p99'] },
          shape: { field: 'percentile', type: 'nominal', sort: ['p50', 'p95', 'p99'] },
        },
      },
      resolve: { scale: { x: 'shared' } },
    },
  };
}

export function recallChart(results: Results): ChartSpec | undefined {
  const values = results.stores.flatMap((s) =>
    (s.workloads.vector ?? []).flatMap((r) =>
      r.status === 'ok' && r.recall !== undefined
        ? [{ store: storeLabel(s), k: `k=${r.k}`, p50: round(r.latency.p50Ms), recall: round(r.recall) }]
        : [],
    ),
  );
  if (values.length === 0) return undefined;
  return {
    id: 'recall-latency',
    title: 'Vector search: recall@k against p50 latency (up and left is better)',
    spec: {
      ...base,
      width: WIDTH,
      height: 260,
      data: { values },
      mark: { type: 'point', filled: true, size: 90 },
      encoding: {
        x: { field: 'p50', type: 'quantitative', scale: { type: 'log' }, title: 'p50 (ms, log scale)' },
        y: { field: 'recall', type: 'quantitative', scale: { zero: false }, title: 'recall@k' },
        color: { field: 'store', type: 'nominal', sort: storeOrder(results) },
        shape: { field: 'k', type: 'nominal' },
      },
    },
  };
}

export function memoryChart(results: Results): ChartSpec | undefined {
  const values = results.stores.flatMap((s) =>
    (s.memory?.series ?? []).map(([t, bytes, phase]) => ({ store: storeLabel(s), seconds: round(t / 1000, 2), mib: round(bytes / MiB, 1), phase })),
  );
  if (values.length === 0) return undefined;
  const phases = [...new Set(values.map((v) => v.phase))];
  return {
    id: 'memory-over-time',
    title: 'Server memory per phase over time (MiB)',
    spec: {
      ...base,
      data: { values },
      facet: { row: { field: 'store', type: 'nominal', sort: storeOrder(results), header: { labelAngle: 0, labelAlign: 'left', title: null } } },
      spec: {
        width: WIDTH - 100,
        height: 90,
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 's since server start' },
          y: { field: 'mib', type: 'quantitative', title: 'MiB' },
          color: { field: 'phase', type: 'nominal', sort: phases },
        },
      },
      resolve: { scale: { y: 'independent', x: 'independent' } },
    },
  };
}

export function leastMemoryChart(results: Results): ChartSpec | undefined {
  const probes = results.stores.flatMap((s) =>
    (s.leastMemory?.probes ?? []).map((p) => ({
      store: storeLabel(s),
      mib: round(p.limitBytes / MiB, 1),
      outcome: p.survived ? 'survived' : 'failed',
    })),
  );
  if (probes.length === 0) return undefined;
  const brackets = results.stores.flatMap((s) => {
    const m = s.leastMemory;
    if (m?.leastBytes === undefined || m.failedBytes === undefined) return [];
    return [{ store: storeLabel(s), failed: round(m.failedBytes / MiB, 1), least: round(m.leastBytes / MiB, 1) }];
  });
  const y = { field: 'store', type: 'nominal', sort: storeOrder(results), title: null } as const;
  const x = { scale: { type: 'log' }, title: 'memory limit (MiB, log scale)' } as const;
  return {
    id: 'least-memory',
    title: 'Least memory: every limit probed; the bar spans the largest that failed to the least that survived',
    spec: {
      ...base,
      width: WIDTH,
      layer: [
        {
          data: { values: brackets },
          mark: { type: 'bar', height: 10, color: '#bbbbbb' },
          encoding: { x: { field: 'failed', type: 'quantitative', ...x }, x2: { field: 'least' }, y },
        },
        {
          data: { values: probes },
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            x: { field: 'mib', type: 'quantitative', ...x },
            y,
            color: { field: 'outcome', type: 'nominal', sort: ['survived', 'failed'], scale: { range: ['#2a9d3a', '#d62728'] } },
            shape: { field: 'outcome', type: 'nominal', sort: ['survived', 'failed'] },
          },
        },
      ],
    },
  };
}
