import { performance } from 'node:perf_hooks';
import { row } from '../../datasets/dataset.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { startCpuMeter } from '../metrics/client-cpu.js';
import type { ConcurrencyResult } from '../results/results-schema.js';
import type { WorkloadContext } from './workload-context.js';
import { CallErrors } from '../metrics/call-errors.js';

const K = 4; // Dify's default top_k: what a busy Dify instance sends.

/**
 * Closed-loop load: N clients each send the next query as soon as their last one answers, for a
 * fixed wall time (and at most maxRequestsPerLevel requests), for every N in the sweep.
 * QPS = answered requests / elapsed seconds; latency percentiles from every answered request.
 * Errors are counted beside them (never in QPS or latency); a level where every request failed
 * throws, as does a call that timed out.
 */
export async function runConcurrency(ctx: WorkloadContext): Promise<ConcurrencyResult> {
  const { collection, dataset, config, progress } = ctx;
  const { dims } = dataset.manifest;
  const levels: Extract<ConcurrencyResult, { status: 'ok' }>['levels'] = [];
  for (const clients of config.concurrencyLevels) {
    const latency = new LatencyRecorder();
    let next = 0;
    const errors = new CallErrors();
    const cpu = startCpuMeter();
    const started = performance.now();
    const deadline = started + config.concurrencySeconds * 1000;
    progress.start(`concurrent ×${clients}`, Math.round(config.concurrencySeconds));
    const ticker = setInterval(() => progress.tick(), 1000);
    const client = async (): Promise<void> => {
      while (performance.now() < deadline && latency.count + errors.count < config.maxRequestsPerLevel) {
        const qi = next++ % dataset.queries.length;
        const t0 = performance.now();
        try {
          await collection.searchVector({ vector: row(dataset.queryVectors, dims, qi), k: K });
          latency.recordMs(performance.now() - t0);
        } catch (error) {
          errors.record(error);
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    const seconds = (performance.now() - started) / 1000;
    const clientCpu = cpu.stop(latency.count + errors.count, seconds);
    clearInterval(ticker);
    progress.stop();
    errors.throwIfAllFailed(latency.count + errors.count, `requests from ${clients} client${clients === 1 ? '' : 's'}`);
    const { firstError } = errors.fields();
    levels.push({ clients, seconds, requests: latency.count, errors: errors.count, ...(firstError ? { firstError } : {}), qps: latency.count / seconds, latency: latency.summary(), clientCpu });
  }
  return { status: 'ok', k: K, levels };
}
