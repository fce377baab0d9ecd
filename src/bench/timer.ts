import { performance } from 'node:perf_hooks';

/** Runs `call` and returns its result with the wall time it took, in milliseconds. */
export async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await call();
  return { value, ms: performance.now() - start };
}
