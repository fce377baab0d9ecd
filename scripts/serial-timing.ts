import { performance } from 'node:perf_hooks';
import { startCpuMeter, type ClientCpu } from '../src/bench/metrics/client-cpu.js';
import { LatencyRecorder, type LatencySummary } from '../src/bench/metrics/latency-recorder.js';

export interface SerialTiming<T> {
  /** Each timed call's latency. */
  readonly latency: LatencySummary;
  /** This process's CPU over the timed calls. */
  readonly cpu: ClientCpu;
  /** Wall time of the timed calls, end to end. */
  readonly wallSeconds: number;
  /** What the last timed call returned. */
  readonly last: T | undefined;
}

/**
 * What the client-measuring scripts (measure-qdrant-client, measure-weaviate-rest,
 * measure-weaviate-grpc) time: `warmup` untimed calls of `send`, then `requests` timed ones, one at
 * a time, each call's latency and this process's CPU per call.
 */
export async function timeSerially<T>(send: () => Promise<T>, warmup: number, requests: number): Promise<SerialTiming<T>> {
  for (let i = 0; i < warmup; i++) await send();
  const latency = new LatencyRecorder();
  let last: T | undefined;
  const cpu = startCpuMeter();
  const passStart = performance.now();
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    last = await send();
    latency.recordMs(performance.now() - t0);
  }
  const wallSeconds = (performance.now() - passStart) / 1000;
  return { latency: latency.summary(), cpu: cpu.stop(requests, wallSeconds), wallSeconds, last };
}
