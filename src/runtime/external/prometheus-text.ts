/**
 * The value of one metric in Prometheus' text exposition format, summed over its series (labels),
 * or undefined when the text has no sample of it. Comments, other metrics and unparsable lines
 * are skipped: a metrics page carries hundreds of lines the harness does not read.
 */
export function prometheusValue(text: string, metric: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    // `metric 123`, `metric{a="b"} 123`, optionally followed by a timestamp.
    const match = /^(?:\{[^}]*\})?\s+(\S+)/.exec(rest);
    if (!match) continue;
    const value = Number(match[1]);
    if (!Number.isFinite(value)) continue;
    total = (total ?? 0) + value;
  }
  return total;
}
