import { performance } from 'node:perf_hooks';

/** What a closed loop of N clients did over its wall time (the shape of a selftest ReferenceRun). */
export interface ClosedLoopRun {
  readonly clients: number;
  readonly seconds: number;
  /** Calls that succeeded; QPS and mean latency count only these. */
  readonly requests: number;
  readonly failed: number;
  readonly qps: number;
  readonly meanLatencyMs: number;
}

/**
 * `clients` clients each call `once(client)` again as soon as its last call returns, until
 * `seconds` have passed (a call in flight at the deadline finishes and counts). A call that
 * returns false or throws is a failure; if every call failed, the first error is thrown.
 */
export async function runClosedLoop(clients: number, seconds: number, once: (client: number) => Promise<boolean>): Promise<ClosedLoopRun> {
  let requests = 0;
  let failed = 0;
  let totalMs = 0;
  let firstError: unknown;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async (index: number): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const ok = await once(index);
        if (ok) {
          totalMs += performance.now() - t0;
          requests++;
        } else failed++;
      } catch (error) {
        firstError ??= error;
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const elapsed = (performance.now() - started) / 1000;
  if (requests === 0 && failed > 0) {
    const reason = firstError instanceof Error ? firstError.message : firstError === undefined ? 'an unexpected answer' : String(firstError);
    throw new Error(`every one of ${failed} calls from ${clients} client(s) failed: ${reason}`);
  }
  return { clients, seconds: elapsed, requests, failed, qps: requests / elapsed, meanLatencyMs: requests > 0 ? totalMs / requests : 0 };
}
