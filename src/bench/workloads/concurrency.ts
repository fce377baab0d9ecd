import { performance } from 'node:perf_hooks';
import { row } from '../../datasets/dataset.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { startCpuMeter } from '../metrics/client-cpu.js';
import type { ConcurrencyResult } from '../results/results-schema.js';
import type { WorkloadContext } from './workload-context.js';

const K = 4; // Dify's default top_k: what a busy Dify instance sends.

/**
 * Closed-loop load: N clients each send the next query as soon as their last one answers, for a
 * fixed wall time (and at most maxRequestsPerLevel requests), for every N in the sweep.
 * QPS = answered requests / elapsed seconds; latency percentiles from every request.
 */
export async function runConcurrency(ctx: WorkloadContext): Promise<ConcurrencyResult> {
  const { collection, dataset, config, progress } = ctx;
  const { dims } = dataset.manifest;
  const levels: Extract<ConcurrencyResult, { status: 'ok' }>['levels'] = [];
  for (const clients of config.concurrencyLevels) {
    const latency = new LatencyRecorder();
    let next = 0;
    let errors = 0;
    const cpu = startCpuMeter();
    const started = performance.now();
    const deadline = started + config.concurrencySeconds * 1000;
    progress.start(`concurrent ×${clients}`, Math.round(config.concurrencySeconds));
    const ticker = setInterval(() => progress.tick(), 1000);
    const client = async (): Promise<void> => {
      while (performance.now() < deadline && latency.count + errors < config.maxRequestsPerLevel) {
        const qi = next++ % dataset.queries.length;
        const t0 = performance.now();
        try {
          await collection.searchVector({ vector: row(dataset.queryVectors, dims, qi), k: K });
          latency.recordMs(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    const seconds = (performance.now() - started) / 1000;
    const clientCpu = cpu.stop(latency.count + errors, seconds);
    clearInterval(ticker);
    progress.stop();
    levels.push({ clients, seconds, requests: latency.count, errors, qps: latency.count / seconds, latency: latency.summary(), clientCpu });
  }
  return { status: 'ok', k: K, levels };
}
