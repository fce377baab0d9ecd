import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { RecordedResponse } from './recorded-exchange.js';

/** An answer's body with its Content-Encoding undone (gzip, deflate, br; none or identity as is). */
export function decodedBody(response: Pick<RecordedResponse, 'headers' | 'body'>): Buffer {
  const body = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return body;
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  throw new Error(`an answer in Content-Encoding "${encoding}" cannot be read`);
}

/** An answer's body parsed as JSON (after its Content-Encoding). */
export function jsonBody(response: Pick<RecordedResponse, 'headers' | 'body'>): unknown {
  return JSON.parse(decodedBody(response).toString('utf8')) as unknown;
}
