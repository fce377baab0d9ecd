import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createH2Server, type Http2Server, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayReferenceClient } from '../../src/adapters/selftest-replay-client.js';
import type { Endpoint } from '../../src/runtime/endpoint.js';
import { openExchangeReplay, outcomeMismatches } from '../../src/runtime/replay/exchange-replay.js';
import { grpcFrame, grpcMessages } from '../../src/runtime/replay/grpc-frame.js';
import { outcomeOf } from '../../src/runtime/replay/recorded-exchange.js';
import { startRecordingProxies } from '../../src/runtime/replay/recording-proxies.js';

/**
 * The recording proxies and the replay against two plain local servers (no store): an HTTP/1.1
 * echo and an h2c server answering like a gRPC unary method, trailers and all. What the servers
 * received is kept, so the test sees the replay send the recorded bytes and headers.
 */
let http: Server;
let h2: Http2Server;
let server: Endpoint;
const received: Array<{ headers: Record<string, unknown>; body: string }> = [];

function listen(s: Server | Http2Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      received.push({ headers: { ...req.headers }, body });
      res.writeHead(200, { 'content-type': 'application/json', 'x-server': '1' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  });
  h2 = createH2Server();
  h2.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: { ...headers }, body: body.toString('hex') });
      if (headers[':path'] === '/svc/Fail') {
        // A trailers-only answer: gRPC's way of failing a call before any message.
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '5' }, { endStream: true });
        return;
      }
      const [message = new Uint8Array(0)] = grpcMessages(body);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
      stream.end(grpcFrame(Uint8Array.from(message).reverse()));
    });
  });
  server = { host: '127.0.0.1', ports: { http: await listen(http), grpc: await listen(h2), other: 1 } };
});

afterAll(async () => {
  await new Promise<void>((r) => http.close(() => r()));
  await new Promise<void>((r) => h2.close(() => r()));
});

/** One unary h2c call: the answer's headers, body and trailers. */
function call(port: number, path: string, body: Uint8Array): Promise<{ headers: IncomingHttpHeaders; body: Buffer; trailers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', 'x-client': 'g' });
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () => {
      session.close();
      resolve({ headers, body: Buffer.concat(chunks), trailers });
    });
    stream.end(body);
  });
}

describe('recording proxies and the replay', () => {
  it('records what a client sends to two ports, in order, passing answers and trailers through', async () => {
    const proxies = await startRecordingProxies(server, { http: 'http1', grpc: 'h2c' });
    try {
      expect(proxies.endpoint.ports.other).toBe(1);
      expect(proxies.endpoint.ports.http).not.toBe(server.ports.http);
      const { value, exchanges } = await proxies.record(async () => {
        const rest = await fetch(`http://127.0.0.1:${proxies.endpoint.ports.http}/echo?x=1`, { method: 'POST', headers: { 'x-client': 'a' }, body: 'hello' });
        const restBody = await rest.text();
        const grpc = await call(proxies.endpoint.ports.grpc as number, '/svc/Method', grpcFrame(Uint8Array.of(1, 2, 3)));
        return { restBody, grpc };
      });
      expect(JSON.parse(value.restBody)).toEqual({ method: 'POST', url: '/echo?x=1', body: 'hello' });
      expect([...value.grpc.body]).toEqual([0, 0, 0, 0, 3, 3, 2, 1]);
      expect(value.grpc.trailers['grpc-status']).toBe('0');

      expect(exchanges.map((e) => [e.port, e.protocol, e.request.method, e.request.path])).toEqual([
        ['http', 'http1', 'POST', '/echo?x=1'],
        ['grpc', 'h2c', 'POST', '/svc/Method'],
      ]);
      const [rest, grpc] = exchanges;
      expect(rest?.request.headers.host).toBe(`127.0.0.1:${server.ports.http}`);
      expect(rest?.request.headers['x-client']).toBe('a');
      expect(rest?.request.headers.connection).toBeUndefined();
      expect(Buffer.from(rest?.request.body ?? []).toString()).toBe('hello');
      expect(rest?.response.status).toBe(200);
      expect(rest?.response.headers['x-server']).toBe('1');
      expect(grpc?.request.headers).toMatchObject({ 'content-type': 'application/grpc', te: 'trailers', 'x-client': 'g' });
      expect(grpc?.request.headers[':path']).toBeUndefined();
      expect([...(grpc?.request.body ?? [])]).toEqual([0, 0, 0, 0, 3, 1, 2, 3]);
      expect(grpc?.response.trailers).toEqual({ 'grpc-status': '0', 'grpc-message': '' });
      expect(outcomeOf(grpc?.response ?? { status: 0, headers: {}, trailers: {} })).toBe('HTTP 200, grpc-status 0');

      // Replayed straight to the servers: the same bytes and headers arrive, the same answers come back.
      received.length = 0;
      const replay = openExchangeReplay(server, exchanges, 2);
      try {
        for (const client of [0, 1]) {
          const answers = await replay.once(client);
          expect(outcomeMismatches(exchanges, answers)).toEqual([]);
          expect(answers.map((a) => Buffer.from(a.body).toString('hex'))).toEqual(exchanges.map((e) => Buffer.from(e.response.body).toString('hex')));
        }
      } finally {
        await replay.close();
      }
      expect(received.map((r) => r.body)).toEqual(['hello', '0000000003010203', 'hello', '0000000003010203']);
      expect(received[0]?.headers).toMatchObject({ host: `127.0.0.1:${server.ports.http}`, 'x-client': 'a' });
      expect(received[1]?.headers).toMatchObject({ ':method': 'POST', ':path': '/svc/Method', 'content-type': 'application/grpc', 'x-client': 'g' });
    } finally {
      await proxies.close();
    }
  });

  it("records a trailers-only gRPC failure as its grpc-status, and a replay's closed loop counts its queries", async () => {
    const proxies = await startRecordingProxies(server, { grpc: 'h2c' });
    try {
      const failing = await proxies.record(() => call(proxies.endpoint.ports.grpc as number, '/svc/Fail', grpcFrame(Uint8Array.of(9))));
      expect(failing.value.headers['grpc-status']).toBe('5');
      expect(outcomeOf(failing.exchanges[0]?.response ?? { status: 0, headers: {}, trailers: {} })).toBe('HTTP 200, grpc-status 5');
      const ok = await proxies.record(() => call(proxies.endpoint.ports.grpc as number, '/svc/Method', grpcFrame(Uint8Array.of(4, 5))));
      const run = await replayReferenceClient(server, ok.exchanges).run(2, 0.2);
      expect(run.clients).toBe(2);
      expect(run.requests).toBeGreaterThan(0);
      expect(run.failed).toBe(0);
      expect(run.meanLatencyMs).toBeGreaterThan(0);
    } finally {
      await proxies.close();
    }
  });
});
