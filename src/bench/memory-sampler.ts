import type { MemoryProbe } from '../runtime/memory-probe.js';
import type { MemoryResult } from './results/results-schema.js';

/**
 * Samples a server's memory at a fixed interval through every phase of a run. The bench names
 * the current phase; each sample is tagged with it, so per-phase idle/mean/peak fall out.
 */
export class MemorySampler {
  private phase = 'idle';
  private readonly series: Array<[number, number, string]> = [];
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly probe: MemoryProbe,
    readonly intervalMs: number,
  ) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  /**
   * Switches phase and takes a sample of it, so even a short phase has one. A read still in
   * flight (a docker stats read takes a while) finishes first and counts for the old phase.
   */
  async enter(phase: string): Promise<void> {
    await this.inflight;
    this.phase = phase;
    await this.sample();
  }

  async stop(): Promise<MemoryResult> {
    if (this.timer) clearInterval(this.timer);
    await this.inflight;
    await this.sample();
    return summarizeMemory(this.probe.method, this.intervalMs, this.series);
  }

  /** One reading, tagged with the phase current when it was asked for; never two at once. */
  private sample(): Promise<void> {
    if (this.inflight) return this.inflight; // a slow read must not pile up overlapping reads
    const phase = this.phase;
    this.inflight = this.probe
      .read()
      .then((bytes) => {
        if (bytes !== undefined) this.series.push([Date.now() - this.started, bytes, phase]);
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}

export function summarizeMemory(
  method: string,
  intervalMs: number,
  series: ReadonlyArray<[number, number, string]>,
): MemoryResult {
  const phases: MemoryResult['phases'] = {};
  const byPhase = new Map<string, number[]>();
  for (const [, bytes, phase] of series) {
    let values = byPhase.get(phase);
    if (!values) byPhase.set(phase, (values = []));
    values.push(bytes);
  }
  for (const [phase, values] of byPhase) {
    phases[phase] = {
      samples: values.length,
      minBytes: Math.min(...values),
      meanBytes: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
      maxBytes: Math.max(...values),
    };
  }
  return { method, intervalMs, phases, series: series.map((s) => [...s]) };
}
