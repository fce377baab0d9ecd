import type { MemoryProbe } from '../memory-probe.js';
import { prometheusValue } from './prometheus-text.js';

const TIMEOUT_MS = 2000;

/**
 * Memory of a server the harness cannot see from this machine, read from the metrics page the
 * store itself serves (Qdrant's /metrics, Weaviate's PROMETHEUS_MONITORING port). The figure is
 * the store's own (a process RSS or allocator number), not `docker stats`' cgroup usage: `method`
 * says which metric, and the report prints it beside the numbers.
 */
export class PrometheusMemory implements MemoryProbe {
  private constructor(
    private readonly url: string,
    private readonly metric: string,
    private readonly headers: Readonly<Record<string, string>>,
    /** The metrics URL as results may show it (no credentials: those travel in headers). */
    private readonly shownUrl: string,
  ) {}

  get method(): string {
    return `Prometheus ${this.metric} from ${this.shownUrl} (the store's own figure, not cgroup usage)`;
  }

  /**
   * A probe on the first of `metrics` (in the recipe's order of preference) the page serves, or
   * the reason there is none: the page does not answer, or has none of them.
   */
  static async find(
    url: string,
    metrics: readonly string[],
    headers: Readonly<Record<string, string>> = {},
  ): Promise<PrometheusMemory | { readonly notVisible: string }> {
    let text: string;
    try {
      text = await fetchText(url, headers);
    } catch (error) {
      return { notVisible: `metrics at ${url} did not answer (${error instanceof Error ? error.message : String(error)})` };
    }
    const metric = metrics.find((m) => prometheusValue(text, m) !== undefined);
    if (!metric) return { notVisible: `metrics at ${url} have none of ${metrics.join(', ')}` };
    return new PrometheusMemory(url, metric, headers, url);
  }

  async read(): Promise<number | undefined> {
    try {
      return prometheusValue(await fetchText(this.url, this.headers), this.metric);
    } catch {
      return undefined;
    }
  }
}

async function fetchText(url: string, headers: Readonly<Record<string, string>>): Promise<string> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return text;
}
