import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results, StoreResult } from '../../src/bench/results/results-schema.js';
import { writeResults } from '../../src/bench/results/results-file.js';
import { okStore, results } from './fixtures/results-fixture.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/bench.js', import.meta.url).pathname;

async function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A results file whose vector k=4 pass has per-query latencies m·0.9, m, m·1.1. */
function withMedian(m: number): Results {
  const vector = okStore.workloads.vector?.[0];
  if (vector?.status !== 'ok') throw new Error('fixture: vector k=4 must be ok');
  const store: StoreResult = { ...okStore, workloads: { ...okStore.workloads, vector: [{ ...vector, latenciesMs: [m * 0.9, m, m * 1.1] }] } };
  return { ...results, config: { ...results.config, kValues: [4] }, stores: [store] };
}

let dir: string;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-report-cli-'));
  for (const [name, m] of [['b1', 1], ['b2', 1.2], ['b3', 0.9], ['h1', 1.01], ['h2', 1.19], ['h3', 0.9], ['s1', 1.2], ['s2', 1.44], ['s3', 1.08]] as const) {
    await writeResults(file(`${name}.json`), withMedian(m));
  }
  const r = withMedian(1);
  await writeResults(file('other.json'), { ...r, config: { ...r.config, warmupQueries: 50 } });
  await writeResults(file('full.json'), results);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench compare (CLI exit codes for CI)', () => {
  it('0: no regression across rounds', async () => {
    const r = await bench('compare', '--baseline', file('b1.json'), file('b2.json'), file('b3.json'), '--current', file('h1.json'), file('h2.json'), file('h3.json'));
    expect(r.stdout).toContain('0 regression(s).');
    expect(r.code).toBe(0);
  });

  it('1: a 20% slowdown in every round', async () => {
    const r = await bench('compare', '--baseline', file('b1.json'), file('b2.json'), file('b3.json'), '--current', file('s1.json'), file('s2.json'), file('s3.json'));
    expect(r.stdout).toContain('| pgvector | vector k=4      | p50 ms  |');
    expect(r.stdout).toContain('**REGRESSION**');
    expect(r.code).toBe(1);
  });

  it('2: other workload settings, named on one line', async () => {
    const r = await bench('compare', file('b1.json'), file('other.json'));
    expect(r.stdout).toContain(`- not comparable: workload setting warmupQueries: 20 in ${file('b1.json')}, 50 in ${file('other.json')}\n`);
    expect(r.code).toBe(2);
  });
});

describe('bench report', () => {
  it('--html writes the markdown, its SVG charts and one HTML page beside the results file', async () => {
    const r = await bench('report', file('full.json'), '--html');
    expect(r.code).toBe(0);
    const written = (await readdir(dir)).filter((f) => f.startsWith('full.')).sort();
    expect(written).toEqual([
      'full.html',
      'full.json',
      'full.latency-percentiles.svg',
      'full.md',
      'full.qps-clients.svg',
      'full.recall-latency.svg',
    ]);
  });
});
