import type { Endpoint } from '../endpoint.js';
import { ExchangeRecorder } from './exchange-recorder.js';
import { startH2cRecordingProxy } from './h2c-recording-proxy.js';
import { startHttp1RecordingProxy, type RecordingProxy } from './http1-recording-proxy.js';
import type { RecordedExchange, ReplayProtocol } from './recorded-exchange.js';

/** Recording proxies in front of some of a server's ports, and the endpoint that reaches it through them. */
export interface RecordingProxies {
  /** The server's endpoint with each proxied port replaced by its proxy's. */
  readonly endpoint: Endpoint;
  /** Runs `fn` (a client talking to `endpoint`) and returns the requests it sent, in order, with their answers. */
  record<T>(fn: () => Promise<T>): Promise<{ value: T; exchanges: RecordedExchange[] }>;
  close(): Promise<void>;
}

/**
 * One recording proxy on 127.0.0.1 per named port in `protocols` (HTTP/1.1 or h2c), all filing
 * into one recorder, so a client that uses a REST port and a gRPC port is recorded in the order
 * it sent. Ports not named are left as they are.
 */
export async function startRecordingProxies(
  server: Endpoint,
  protocols: Readonly<Record<string, ReplayProtocol>>,
): Promise<RecordingProxies> {
  const recorder = new ExchangeRecorder();
  const proxies: RecordingProxy[] = [];
  const ports: Record<string, number> = { ...server.ports };
  try {
    for (const [name, protocol] of Object.entries(protocols)) {
      const port = server.ports[name];
      if (port === undefined) throw new Error(`recording proxy: the endpoint has no port named "${name}"`);
      const start = protocol === 'h2c' ? startH2cRecordingProxy : startHttp1RecordingProxy;
      const proxy = await start({ host: server.host, port }, name, recorder);
      proxies.push(proxy);
      ports[name] = proxy.port;
    }
  } catch (error) {
    await Promise.all(proxies.map((p) => p.close()));
    throw error;
  }
  return {
    endpoint: { ...server, host: '127.0.0.1', ports },
    record: (fn) => recorder.record(fn),
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
}
