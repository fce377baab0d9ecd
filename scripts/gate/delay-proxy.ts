import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Endpoint } from '../../src/runtime/endpoint.js';

/**
 * A TCP proxy on 127.0.0.1 that makes the server behind it slower by a fixed fraction: for each
 * reply it times the server from the client's last bytes before it (the request, or its last
 * part) until the first reply bytes, then holds those bytes for `slowdown` × that time before
 * passing them on. So a 10% slowdown is 10% more server time for every request of every workload,
 * as a slower build of the server would be, and it happens in the timed path: the harness measures
 * it like any latency. Results are never edited. With slowdown 0 it only forwards, so a baseline
 * through the proxy carries the same proxy cost as the slowed candidate.
 *
 * Why the last bytes and not the first after a reply: an HTTP/2 client (gRPC) sends frames of its
 * own between requests (window updates) and may write a request in parts; timing from the first
 * would count the client's idle time as the server's. Why other replies' holds are subtracted: a
 * hold is a busy wait that stops this process, so a reply arriving meanwhile on another
 * connection (Dify's hybrid sends its vector and full-text queries at once) would otherwise be
 * charged that hold too, and held twice.
 */
export interface DelayProxy {
  readonly port: number;
  close(): Promise<void>;
}

/** Longest hold for one reply: a stalled request must not turn into a stalled proxy. */
const MAX_HOLD_NS = 1_000_000_000n;

/** Every hold of every proxy in this process so far (they share its one thread). */
let heldNs = 0n;

export async function startDelayProxy(targetPort: number, slowdown: number, host = '127.0.0.1'): Promise<DelayProxy> {
  if (!(slowdown >= 0 && slowdown <= 1)) throw new Error(`delay proxy: slowdown must be in [0, 1], got ${slowdown}`);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host, port: targetPort });
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    /** When the client's last bytes before a reply came, and the process's holds by then. */
    let request: { at: bigint; heldBefore: bigint } | undefined;
    client.on('data', (chunk) => {
      request = { at: process.hrtime.bigint(), heldBefore: heldNs };
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (request !== undefined && slowdown > 0) {
        const now = process.hrtime.bigint();
        const serverNs = now - request.at - (heldNs - request.heldBefore);
        const hold = serverNs > 0n ? BigInt(Math.round(Number(serverNs) * slowdown)) : 0n;
        // A busy wait, not a timer: timers have millisecond granularity and a vector search here
        // takes well under one, so a timer would add far more than the fraction asked for.
        const until = now + (hold < MAX_HOLD_NS ? hold : MAX_HOLD_NS);
        while (process.hrtime.bigint() < until) {
          // spin
        }
        heldNs += process.hrtime.bigint() - now;
      }
      request = undefined;
      client.write(chunk);
    });
    closeTogether(client, upstream, sockets);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('delay proxy: no TCP address');
  return {
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** When either side of a proxied connection closes or fails, both go, and leave `open`. */
export function closeTogether(client: Socket, upstream: Socket, open: Set<Socket>): void {
  const end = (): void => {
    client.destroy();
    upstream.destroy();
    open.delete(client);
    open.delete(upstream);
  };
  client.on('close', end).on('error', end);
  upstream.on('close', end).on('error', end);
}

/**
 * A route for a side of the gate (GateSide.route): every port of the server's endpoint behind a
 * delay proxy of its own, so the adapter never learns the server's own ports. `opened` collects
 * the proxies for the caller to close.
 */
export function delayRoute(slowdown: number, opened: DelayProxy[]): (endpoint: Endpoint) => Promise<Endpoint> {
  return async (endpoint) => {
    const ports: Record<string, number> = {};
    for (const [name, port] of Object.entries(endpoint.ports)) {
      const proxy = await startDelayProxy(port, slowdown, endpoint.host);
      opened.push(proxy);
      ports[name] = proxy.port;
    }
    return { ...endpoint, ports };
  };
}
