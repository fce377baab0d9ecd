import { describe, expect, it } from 'vitest';
import type { StoreResult } from '../../src/bench/results/results-schema.js';
import { chartSpecs, leastMemoryChart, memoryChart, qpsChart, recallChart } from '../../src/report/chart-specs.js';
import { renderReport } from '../../src/report/report-files.js';
import { renderSvg } from '../../src/report/render-svg.js';
import { okStore, results } from './fixtures/results-fixture.js';

const MiB = 2 ** 20;
const dataOf = (spec: unknown): unknown => (spec as { data: { values: unknown } }).data.values;

describe('chart specs', () => {
  it('draws only what the run measured, in a fixed order', () => {
    expect(chartSpecs(results).map((c) => c.id)).toEqual(['qps-clients', 'latency-percentiles', 'recall-latency']);
  });

  it('QPS per clients and recall against p50 take their values from the results', () => {
    expect(dataOf(qpsChart(results)?.spec)).toEqual([{ store: 'pgvector 0.8.0', clients: 1, qps: 500 }]);
    expect(dataOf(recallChart(results)?.spec)).toEqual([
      { store: 'pgvector 0.8.0', k: 'k=4', p50: 1.234, recall: 0.99 },
      { store: 'pgvector 0.8.0', k: 'k=10', p50: 12.34, recall: 0.975 },
    ]);
  });

  it('memory over time in seconds and MiB, with its phase', () => {
    const store: StoreResult = {
      ...okStore,
      memory: { ...(okStore.memory as NonNullable<StoreResult['memory']>), series: [[250, 32 * MiB, 'idle'], [1500, 50.25 * MiB, 'insert']] },
    };
    expect(dataOf(memoryChart({ ...results, stores: [store] })?.spec)).toEqual([
      { store: 'pgvector 0.8.0', seconds: 0.25, mib: 32, phase: 'idle' },
      { store: 'pgvector 0.8.0', seconds: 1.5, mib: 50.3, phase: 'insert' },
    ]);
  });

  it('least memory: every probe and the failed–survived bracket', () => {
    const store: StoreResult = {
      ...okStore,
      leastMemory: {
        minBytes: 32 * MiB,
        maxBytes: 4096 * MiB,
        resolution: 0.15,
        leastBytes: 43 * MiB,
        failedBytes: 40 * MiB,
        probes: [
          { limitBytes: 4096 * MiB, survived: true },
          { limitBytes: 40 * MiB, survived: false, failure: 'OOM-killed during insert' },
          { limitBytes: 43 * MiB, survived: true },
        ],
      },
    };
    const spec = leastMemoryChart({ ...results, stores: [store] })?.spec as { layer: Array<{ data: { values: unknown } }> };
    expect(spec.layer.map((l) => l.data.values)).toEqual([
      [{ store: 'pgvector 0.8.0', failed: 40, least: 43 }],
      [
        { store: 'pgvector 0.8.0', mib: 4096, outcome: 'survived' },
        { store: 'pgvector 0.8.0', mib: 40, outcome: 'failed' },
        { store: 'pgvector 0.8.0', mib: 43, outcome: 'survived' },
      ],
    ]);
    expect(leastMemoryChart(results)).toBeUndefined();
  });
});

describe('rendered report', () => {
  it('SVG charts with marks, linked from the markdown by relative path', async () => {
    const report = await renderReport(results, 'run-1');
    expect(report.charts.map((c) => c.file)).toEqual(['run-1.qps-clients.svg', 'run-1.latency-percentiles.svg', 'run-1.recall-latency.svg']);
    expect(report.markdown).toContain('## Charts\n\n![Concurrent vector search (k=4): QPS against clients](run-1.qps-clients.svg)\n');
    for (const c of report.charts) {
      expect(c.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(c.svg).toMatch(/class="mark-(symbol|line)[^"]*role-mark/);
    }
  });

  it('is byte-identical for the same results file', async () => {
    const a = await renderReport(results, 'run-1');
    const b = await renderReport(structuredClone(results), 'run-1');
    expect(b.markdown).toBe(a.markdown);
    expect(b.html).toBe(a.html);
    expect(b.charts).toEqual(a.charts);
  });

  it('HTML is self-contained: the charts inline, no script, no external reference', async () => {
    const { html, charts } = await renderReport(results, 'run-1');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">')).toBe(true);
    expect(html.match(/<svg /g)?.length).toBe(charts.length);
    expect(html).not.toMatch(/<script|<link|src="|url\(|@import/);
    expect(html).not.toContain('.svg"');
    expect(html).toContain('<figure><figcaption>Concurrent vector search (k=4): QPS against clients</figcaption><svg');
    expect(html).toContain('<th align="right">insert docs/s</th>');
  });

  it('renders a bare spec to SVG offline', async () => {
    const svg = await renderSvg({ data: { values: [{ a: 1, b: 2 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } });
    expect(svg).toMatch(/^<svg [^>]*width="\d+" height="\d+"/);
  });
});

