import type { Endpoint } from '../runtime/endpoint.js';
import { startRecordingProxies } from '../runtime/replay/recording-proxies.js';
import type { RecordedExchange, ReplayProtocol } from '../runtime/replay/recorded-exchange.js';
import type { HarnessVia } from './selftest-probe.js';

/** The requests one harness search sends, with the answers, and the hits the adapter made of them. */
export interface CapturedSearch {
  readonly exchanges: readonly RecordedExchange[];
  readonly hits: readonly string[];
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/**
 * How two recordings of the same search differ in what was sent (count, method, path, body
 * bytes); empty when they are the same requests. Headers are not compared: a client may stamp
 * each request (a deadline, a trace id) without the request meaning anything else.
 */
export function requestDifferences(first: readonly RecordedExchange[], second: readonly RecordedExchange[]): string[] {
  if (first.length !== second.length) return [`${first.length} requests, then ${second.length}`];
  const problems: string[] = [];
  first.forEach((a, i) => {
    const b = second[i] as RecordedExchange;
    const what = `request ${i + 1}`;
    if (a.port !== b.port || a.request.method !== b.request.method || a.request.path !== b.request.path) {
      problems.push(`${what}: ${a.request.method} ${a.request.path} (port ${a.port}), then ${b.request.method} ${b.request.path} (port ${b.port})`);
    } else if (!sameBytes(a.request.body, b.request.body)) {
      problems.push(`${what} (${a.request.method} ${a.request.path}): its body changed (${a.request.body.length} B, then ${b.request.body.length} B)`);
    }
  });
  return problems;
}

/**
 * The harness's own search, captured: the selected profile's adapter connects through recording
 * proxies in front of the ports in `protocols`, searches once untimed (a fresh session's first
 * call may carry one-time work: a connection, a lookup it caches), then twice recorded. The two
 * recordings must be the same requests, so the one replayed is what the harness sends on every
 * query.
 */
export async function captureHarnessSearch(
  store: string,
  endpoint: Endpoint,
  protocols: Readonly<Record<string, ReplayProtocol>>,
  harness: HarnessVia,
): Promise<CapturedSearch> {
  const proxies = await startRecordingProxies(endpoint, protocols);
  try {
    const via = await harness(proxies.endpoint);
    try {
      await via.search();
      const first = await proxies.record(() => via.search());
      const second = await proxies.record(() => via.search());
      if (second.exchanges.length === 0) {
        throw new Error(`${store} selftest: the adapter's search sent nothing through the recording proxies (ports ${Object.keys(protocols).join(', ')})`);
      }
      const differences = requestDifferences(first.exchanges, second.exchanges);
      if (differences.length > 0) {
        throw new Error(`${store} selftest: two searches of the same query sent different requests, so no one request can be replayed: ${differences.join('; ')}`);
      }
      return { exchanges: second.exchanges, hits: second.value };
    } finally {
      await via.close().catch(() => undefined);
    }
  } finally {
    await proxies.close();
  }
}
