import { connect, type IncomingHttpHeaders } from 'node:http2';
import { replayableHeaders, type RecordedRequest, type RecordedResponse } from './recorded-exchange.js';
import type { ReplayConnection } from './replay-connection.js';

/**
 * One HTTP/2 cleartext connection (node:http2, prior knowledge, as a gRPC client opens to a local
 * server) on which every send is a new stream carrying the recorded method, path, headers and
 * body bytes (for gRPC: the length-prefixed message as the client framed it). Concurrent sends
 * share the connection, as a gRPC channel's calls do. The answer and its trailers are read whole.
 */
export function openH2cConnection(host: string, port: number): ReplayConnection {
  const session = connect(`http://${host}:${port}`);
  // A connection error also fails every open stream, which is where it is counted.
  session.on('error', () => undefined);
  return {
    send(request: RecordedRequest): Promise<RecordedResponse> {
      return new Promise((resolve, reject) => {
        const empty = request.body.length === 0;
        const stream = session.request({ ...request.headers, ':method': request.method, ':path': request.path }, { endStream: empty });
        let headers: IncomingHttpHeaders | undefined;
        let trailers: IncomingHttpHeaders | undefined;
        const chunks: Buffer[] = [];
        stream.once('response', (h) => (headers = h));
        stream.once('trailers', (t) => (trailers = t));
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.once('error', reject);
        // A stream reset by either side closes without 'end'; a settled promise ignores this.
        stream.once('close', () => reject(new Error(`h2c replay: ${request.path} was reset (code ${stream.rstCode ?? '?'})`)));
        stream.once('end', () => {
          if (!headers) {
            reject(new Error(`h2c replay: ${request.path} closed without an answer`));
            return;
          }
          resolve({
            status: Number(headers[':status'] ?? 0),
            headers: replayableHeaders(headers),
            body: Buffer.concat(chunks),
            trailers: trailers ? replayableHeaders(trailers) : {},
          });
        });
        if (!empty) stream.end(request.body);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (session.closed || session.destroyed) resolve();
        else session.close(() => resolve());
      }),
  };
}
