/** What pgbench printed at the end of one run, as numbers. */
export interface PgbenchSummary {
  readonly queryMode: string;
  readonly clients: number;
  readonly threads: number;
  /** Transactions (here: one query each) that completed. */
  readonly transactions: number;
  readonly failed: number;
  /** Mean latency over every transaction, ms. */
  readonly latencyAverageMs: number;
  /** Transactions per second, without the initial connection time (as pgbench prints it). */
  readonly tps: number;
}

/**
 * Parses pgbench's (PostgreSQL 15) summary, e.g.
 *   query mode: prepared / number of clients: 2 / number of threads: 2 /
 *   number of transactions actually processed: 12345 / number of failed transactions: 0 (0.000%) /
 *   latency average = 0.405 ms / tps = 2468.123456 (without initial connection time)
 * Every field is required (`failed` is 0 when a pgbench before 15 does not print it); a missing
 * one is an error naming it, with the output's last lines, so a changed format never yields 0.
 */
export function parsePgbenchOutput(output: string): PgbenchSummary {
  const field = (name: string, pattern: RegExp): string => {
    const match = pattern.exec(output)?.[1];
    if (match === undefined) {
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`pgbench: no "${name}" in its output (last lines: ${tail || 'none'})`);
    }
    return match;
  };
  const number = (name: string, pattern: RegExp): number => {
    const value = Number(field(name, pattern));
    if (!Number.isFinite(value)) throw new Error(`pgbench: "${name}" is not a number`);
    return value;
  };
  return {
    queryMode: field('query mode', /^query mode: (\S+)$/m),
    clients: number('number of clients', /^number of clients: (\d+)$/m),
    threads: number('number of threads', /^number of threads: (\d+)$/m),
    transactions: number('number of transactions actually processed', /^number of transactions actually processed: (\d+)/m),
    failed: /^number of failed transactions: (\d+)/m.test(output)
      ? number('number of failed transactions', /^number of failed transactions: (\d+)/m)
      : 0,
    latencyAverageMs: number('latency average', /^latency average = ([\d.]+) ms$/m),
    tps: number('tps', /^tps = ([\d.]+) \(without initial connection time\)$/m),
  };
}
