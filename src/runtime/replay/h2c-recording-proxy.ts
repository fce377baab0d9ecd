import { connect, constants, createServer, type ClientHttp2Session, type Http2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { ExchangeRecorder } from './exchange-recorder.js';
import type { RecordingProxy } from './http1-recording-proxy.js';
import { replayableHeaders, type RecordedExchange } from './recorded-exchange.js';

/** The answer to one forwarded stream, buffered. */
interface Answer {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: IncomingHttpHeaders | undefined;
}

function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function forward(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: false });
    let answerHeaders: IncomingHttpHeaders | undefined;
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.once('response', (h) => (answerHeaders = h));
    stream.once('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('error', reject);
    stream.once('end', () => {
      if (!answerHeaders) reject(new Error('recording proxy: the server closed the stream without answering'));
      else resolve({ headers: answerHeaders, body: Buffer.concat(chunks), trailers });
    });
    stream.end(body);
  });
}

/**
 * An HTTP/2 cleartext (prior knowledge) reverse proxy on 127.0.0.1, for gRPC: each stream is
 * forwarded to `upstream` over one HTTP/2 connection with the same method, path, headers and
 * body bytes (`:authority` comes from that connection, so it names the server), and its answer, trailers included, goes back to the
 * client. While `recorder` records it keeps each request and answer. Unary calls only: a stream's
 * body is buffered until the client ends it.
 */
export async function startH2cRecordingProxy(
  upstream: { readonly host: string; readonly port: number },
  portName: string,
  recorder: ExchangeRecorder,
): Promise<RecordingProxy> {
  const authority = `${upstream.host}:${upstream.port}`;
  const upstreamSession = connect(`http://${authority}`);
  upstreamSession.on('error', () => undefined);
  const clientSessions = new Set<Http2Session>();

  const handle = async (stream: ServerHttp2Stream, raw: IncomingHttpHeaders): Promise<void> => {
    const file = recorder.begin();
    const body = await readStream(stream);
    const method = String(raw[':method'] ?? 'POST');
    const path = String(raw[':path'] ?? '/');
    const headers = replayableHeaders(raw);
    const answer = await forward(upstreamSession, { ...headers, ':method': method, ':path': path }, body);
    const status = Number(answer.headers[':status'] ?? 0);
    const answerHeaders = replayableHeaders(answer.headers);
    const trailers = answer.trailers ? replayableHeaders(answer.trailers) : {};
    const exchange: RecordedExchange = {
      port: portName,
      protocol: 'h2c',
      request: { method, path, headers, body },
      response: { status, headers: answerHeaders, body: answer.body, trailers },
    };
    file(exchange);
    const hasTrailers = Object.keys(trailers).length > 0;
    stream.respond({ ':status': status, ...answerHeaders }, { waitForTrailers: hasTrailers });
    if (hasTrailers) stream.once('wantTrailers', () => stream.sendTrailers(trailers));
    stream.end(answer.body);
  };

  const server = createServer();
  server.on('session', (s) => {
    clientSessions.add(s);
    s.once('close', () => clientSessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    handle(stream, headers).catch(() => {
      if (!stream.destroyed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of clientSessions) s.destroy();
        upstreamSession.destroy();
        server.close(() => resolve());
      }),
  };
}
