/**
 * The harness's own CPU time over a timed pass, so a figure says how much of it was the client.
 * process.cpuUsage covers the whole Node process (the JS thread, GC helpers, libuv's pool).
 */
export interface ClientCpu {
  readonly userMs: number;
  readonly systemMs: number;
  /** (user + system) / requests, µs. */
  readonly perRequestUs: number;
  /** (user + system) / wall time: 1 is one core busy for the whole pass. */
  readonly coreFraction: number;
}

/**
 * A level whose client used at least this share of one core over its wall time was limited by
 * the client (one Node process runs its JS on one core), not by the server: its QPS is a floor.
 */
export const CLIENT_SATURATED_FRACTION = 0.9;

export function clientSaturated(cpu: Pick<ClientCpu, 'coreFraction'>): boolean {
  return cpu.coreFraction >= CLIENT_SATURATED_FRACTION;
}

/** From a process.cpuUsage delta (µs), the requests it served and the wall time they took. */
export function clientCpu(delta: NodeJS.CpuUsage, requests: number, wallSeconds: number): ClientCpu {
  const totalUs = delta.user + delta.system;
  return {
    userMs: delta.user / 1000,
    systemMs: delta.system / 1000,
    perRequestUs: requests > 0 ? totalUs / requests : 0,
    coreFraction: wallSeconds > 0 ? totalUs / 1e6 / wallSeconds : 0,
  };
}

/** Starts measuring now; `stop` gives the CPU used since, per request and per wall second. */
export function startCpuMeter(): { stop(requests: number, wallSeconds: number): ClientCpu } {
  const start = process.cpuUsage();
  return { stop: (requests, wallSeconds) => clientCpu(process.cpuUsage(start), requests, wallSeconds) };
}
