import type { Endpoint } from '../endpoint.js';
import { openH2cConnection } from './h2c-replay.js';
import { openHttp1Connection } from './http1-replay.js';
import { outcomeOf, type RecordedExchange, type RecordedResponse } from './recorded-exchange.js';
import type { ReplayConnection } from './replay-connection.js';

/** Recorded exchanges sent again, in their order, by any of `clients` concurrent clients. */
export interface ExchangeReplay {
  /** Client `client` (0-based) sends every recorded request in turn, each after the last one's answer. */
  once(client: number): Promise<RecordedResponse[]>;
  close(): Promise<void>;
}

/**
 * Opens the connections `clients` clients need to replay `exchanges` to `endpoint`, the way the
 * client that was recorded holds them: an HTTP/1.1 port gets one keep-alive connection per client
 * (a fetch pool under N concurrent calls opens N), an h2c port one connection all clients'
 * streams share (a gRPC channel multiplexes its calls).
 */
export function openExchangeReplay(endpoint: Endpoint, exchanges: readonly RecordedExchange[], clients: number): ExchangeReplay {
  const open: ReplayConnection[] = [];
  const connect = (port: string, protocol: RecordedExchange['protocol']): ReplayConnection => {
    const number = endpoint.ports[port];
    if (number === undefined) throw new Error(`replay: the endpoint has no port named "${port}"`);
    const c = protocol === 'h2c' ? openH2cConnection(endpoint.host, number) : openHttp1Connection(endpoint.host, number);
    open.push(c);
    return c;
  };
  const shared = new Map<string, ReplayConnection>();
  const perClient = Array.from({ length: clients }, () => new Map<string, ReplayConnection>());
  // Each client's step list: the exchange and the connection it goes out on.
  const steps = perClient.map((own) =>
    exchanges.map((exchange) => {
      const pool = exchange.protocol === 'h2c' ? shared : own;
      let connection = pool.get(exchange.port);
      if (!connection) {
        connection = connect(exchange.port, exchange.protocol);
        pool.set(exchange.port, connection);
      }
      return { request: exchange.request, connection };
    }),
  );
  return {
    async once(client: number): Promise<RecordedResponse[]> {
      const mine = steps[client];
      if (!mine) throw new Error(`replay: no client ${client} (opened for ${clients})`);
      const answers: RecordedResponse[] = [];
      for (const step of mine) answers.push(await step.connection.send(step.request));
      return answers;
    },
    close: async () => {
      await Promise.all(open.map((c) => c.close()));
    },
  };
}

/**
 * Where `answers` (a replay's) differ from the recorded ones in kind: a list of
 * "request i: expected …, got …", empty when every status (and gRPC status) matches.
 */
export function outcomeMismatches(exchanges: readonly RecordedExchange[], answers: readonly RecordedResponse[]): string[] {
  const problems: string[] = [];
  if (answers.length !== exchanges.length) problems.push(`${exchanges.length} requests recorded, ${answers.length} answered`);
  exchanges.forEach((exchange, i) => {
    const answer = answers[i];
    if (!answer) return;
    const want = outcomeOf(exchange.response);
    const got = outcomeOf(answer);
    if (want !== got) problems.push(`request ${i + 1} (${exchange.request.method} ${exchange.request.path}): expected ${want}, got ${got}`);
  });
  return problems;
}
