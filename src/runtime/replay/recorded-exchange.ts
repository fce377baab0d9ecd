/**
 * One request a client sent and the answer it got, as a recording proxy saw them: enough to send
 * the same request again (method, path, headers, body bytes) and to tell whether a second answer
 * is the same kind of answer (status, gRPC status).
 */

/** HTTP/1.1, or HTTP/2 over cleartext with prior knowledge (how gRPC clients reach a local server). */
export type ReplayProtocol = 'http1' | 'h2c';

export type HeaderMap = Readonly<Record<string, string>>;

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/collections/x/points/search`. */
  readonly path: string;
  /**
   * Lower-case names; no HTTP/2 pseudo-headers (the replaying connection sets `:authority`), no
   * hop-by-hop headers; HTTP/1.1's `host` names the server, not the proxy.
   */
  readonly headers: HeaderMap;
  readonly body: Uint8Array;
}

export interface RecordedResponse {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly body: Uint8Array;
  /** HTTP/2 trailers (gRPC's grpc-status); empty for HTTP/1.1. */
  readonly trailers: HeaderMap;
}

export interface RecordedExchange {
  /** The endpoint's name for the port the request went to, e.g. `http` or `grpc`. */
  readonly port: string;
  readonly protocol: ReplayProtocol;
  readonly request: RecordedRequest;
  readonly response: RecordedResponse;
}

/**
 * What must match for a replayed answer to count as answered: the HTTP status and, for gRPC,
 * grpc-status (in the trailers, or in the headers of a trailers-only answer).
 */
export function outcomeOf(response: Pick<RecordedResponse, 'status' | 'headers' | 'trailers'>): string {
  const grpc = response.trailers['grpc-status'] ?? response.headers['grpc-status'];
  return grpc === undefined ? `HTTP ${response.status}` : `HTTP ${response.status}, grpc-status ${grpc}`;
}

/** Headers that describe one connection, not the request: never recorded, never replayed. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings']);

/**
 * A header map as Node hands it over (values may be arrays or undefined) reduced to what is
 * replayed: lower-case names, repeated values joined with ", ", no pseudo-headers (`:path`),
 * no hop-by-hop headers.
 */
export function replayableHeaders(raw: Readonly<Record<string, string | readonly string[] | number | undefined>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = name.toLowerCase();
    if (value === undefined || key.startsWith(':') || HOP_BY_HOP.has(key)) continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
