import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import type { ExchangeRecorder } from './exchange-recorder.js';
import { replayableHeaders, type RecordedExchange } from './recorded-exchange.js';

/** A proxy listening on 127.0.0.1 in front of one server port. */
export interface RecordingProxy {
  readonly port: number;
  close(): Promise<void>;
}

async function readBody(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * An HTTP/1.1 reverse proxy on 127.0.0.1 that forwards every request to `upstream` unchanged
 * (except `host`, which names the server, as it would had the client gone there directly) and,
 * while `recorder` records, keeps each request and answer byte for byte. Bodies are buffered: it
 * serves a handful of requests to capture, not a benchmark.
 */
export async function startHttp1RecordingProxy(
  upstream: { readonly host: string; readonly port: number },
  portName: string,
  recorder: ExchangeRecorder,
): Promise<RecordingProxy> {
  const authority = `${upstream.host}:${upstream.port}`;
  // Its own connections to the server, closed with the proxy (not the process-wide pool fetch uses).
  const pool = new Pool(`http://${authority}`);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const file = recorder.begin();
    const body = await readBody(req);
    const headers = { ...replayableHeaders(req.headers), host: authority };
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const answer = await pool.request({
      path,
      method: method as Dispatcher.HttpMethod,
      headers,
      body: body.length > 0 ? body : null,
    });
    const answerBody = await readBody(answer.body);
    const answerHeaders = replayableHeaders(answer.headers);
    const exchange: RecordedExchange = {
      port: portName,
      protocol: 'http1',
      request: { method, path, headers, body },
      response: { status: answer.statusCode, headers: answerHeaders, body: answerBody, trailers: {} },
    };
    file(exchange);
    const bodiless = answer.statusCode === 204 || answer.statusCode === 304;
    res.writeHead(answer.statusCode, bodiless ? answerHeaders : { ...answerHeaders, 'content-length': String(answerBody.length) });
    res.end(answerBody);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`recording proxy: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await pool.close();
    },
  };
}
