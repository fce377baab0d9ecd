import type { Endpoint } from '../runtime/endpoint.js';
import { runClosedLoop } from '../runtime/replay/closed-loop.js';
import { openExchangeReplay } from '../runtime/replay/exchange-replay.js';
import { outcomeOf, type RecordedExchange } from '../runtime/replay/recorded-exchange.js';
import type { ReferenceClient, ReferenceRun } from './selftest-probe.js';

const PROTOCOL = { http1: 'HTTP/1.1', h2c: 'h2c' } as const;

/** "undici replay", "node:http2 replay" or both, from what the replay speaks. */
function clientName(exchanges: readonly RecordedExchange[]): string {
  const stacks = [
    ...(exchanges.some((e) => e.protocol === 'http1') ? ['undici'] : []),
    ...(exchanges.some((e) => e.protocol === 'h2c') ? ['node:http2'] : []),
  ];
  return `${stacks.join(' + ')} replay`;
}

/** How the replay holds its connections, for the protocols it speaks. */
function connections(exchanges: readonly RecordedExchange[]): string {
  return [
    ...(exchanges.some((e) => e.protocol === 'http1') ? ['an undici Client (one keep-alive connection) per client for HTTP/1.1'] : []),
    ...(exchanges.some((e) => e.protocol === 'h2c') ? ['one node:http2 connection shared by all clients for h2c, as a gRPC channel'] : []),
  ].join(', ');
}

/** What one query sends, for the results file: each request's method, path, port, protocol, sizes and header names (never values: they may hold a key). */
export function describeExchanges(exchanges: readonly RecordedExchange[]): string {
  return exchanges
    .map(
      (e) =>
        `${e.request.method} ${e.request.path} (port ${e.port}, ${PROTOCOL[e.protocol]}; ${e.request.body.length} B → ` +
        `${e.response.body.length} B; headers ${Object.keys(e.request.headers).join(', ') || 'none'})`,
    )
    .join(', then ');
}

/**
 * The reference client of a replaying probe: per query, the adapter's captured requests sent
 * again byte for byte, in order, each after the last one's answer, and each answer read whole
 * and checked only for its status (and gRPC status); `clients` clients in a closed loop. Each
 * client's connections are opened, and used once, before the clock starts, as the harness's are
 * warm from its warm-up queries.
 */
export function replayReferenceClient(endpoint: Endpoint, exchanges: readonly RecordedExchange[]): ReferenceClient {
  const expected = exchanges.map((e) => outcomeOf(e.response));
  return {
    name: clientName(exchanges),
    description:
      `the adapter's ${exchanges.length === 1 ? 'request' : `${exchanges.length} requests`} per query, captured and replayed byte for byte: ` +
      `${describeExchanges(exchanges)}; ${connections(exchanges)}; closed loop of <clients> for <seconds>`,
    async run(clients, seconds): Promise<ReferenceRun> {
      const replay = openExchangeReplay(endpoint, exchanges, clients);
      try {
        await Promise.all(Array.from({ length: clients }, (_, i) => replay.once(i)));
        return await runClosedLoop(clients, seconds, async (client) => {
          const answers = await replay.once(client);
          return answers.every((a, i) => outcomeOf(a) === expected[i]);
        });
      } finally {
        await replay.close();
      }
    },
  };
}
