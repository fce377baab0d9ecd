import { Client, type Dispatcher } from 'undici';
import { replayableHeaders, type RecordedRequest, type RecordedResponse } from './recorded-exchange.js';
import type { ReplayConnection } from './replay-connection.js';

/**
 * One keep-alive HTTP/1.1 connection (undici's Client, no pipelining) that sends recorded
 * requests as they are: method, path, headers (host included) and body bytes. The answer is read
 * to its end into one buffer, nothing decoded: the least a client must do to have the answer.
 */
export function openHttp1Connection(host: string, port: number): ReplayConnection {
  const client = new Client(`http://${host}:${port}`, { pipelining: 1 });
  return {
    async send(request: RecordedRequest): Promise<RecordedResponse> {
      const answer = await client.request({
        method: request.method as Dispatcher.HttpMethod,
        path: request.path,
        headers: request.headers,
        body: request.body.length > 0 ? request.body : null,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of answer.body) chunks.push(chunk as Buffer);
      return { status: answer.statusCode, headers: replayableHeaders(answer.headers), body: Buffer.concat(chunks), trailers: {} };
    },
    close: () => client.close(),
  };
}
