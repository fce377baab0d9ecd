import { Pool } from 'undici';
import type { Schemas } from '@qdrant/js-client-rest';
import { isRecord } from './qdrant-payload.js';

/** The read requests a retrieval sends, by the path segment after /collections/{name}/points/. */
interface ReadAnswers {
  search: Schemas['ScoredPoint'][];
  scroll: Schemas['ScrollResult'];
  query: Schemas['QueryResponse'];
}
type ReadBodies = {
  search: Schemas['SearchRequest'];
  scroll: Schemas['ScrollRequest'];
  query: Schemas['QueryRequest'];
};
export type ReadOperation = keyof ReadAnswers;

/** How to reach the server: the session's REST client is built from the same. */
export interface ReadsTarget {
  /** `http(s)://host:port` */
  readonly origin: string;
  readonly apiKey?: string;
  readonly timeoutMs: number;
}

/**
 * The requests a search workload times (POST …/points/search, …/points/scroll, …/points/query),
 * sent with undici's `request` over a keep-alive pool instead of through @qdrant/js-client-rest,
 * which sends them with Node's fetch. The server is asked the same: the same method, path and
 * JSON body the client builds for these calls, the same Accept-Encoding: identity, the same API
 * key header. What changes is the client's own cost: a search by the REST client (its middleware
 * over fetch, whose WHATWG Headers, streams and Response objects come per request) took 1.8 ms
 * of client CPU here, the same search by undici's request 0.8 ms (Qdrant 1.8.3, linux-doc-mini,
 * k=4 with vectors, 2026-12-07, scripts/measure-qdrant-client.ts), which made a fast store's
 * latency largely the harness's (issue #12). Everything else (schema, upserts,
 * counts, deletes) stays on the official client.
 *
 * The pool is what the REST client's own undici Agent is per origin (25 connections, 10 s
 * keep-alive), so concurrency and connection reuse are as before, with one difference: undici
 * marks a connection free a moment after its answer ends, so serial searches alternate between
 * two keep-alive connections where fetch's slower path reused one (Dify's httpx reuses one too);
 * neither is new, and the server sees the same requests. A pool can be closed, which the
 * REST client cannot: a per-retrieval pool (Dify's new client per retrieval) closes its
 * connection when the retrieval ends, as Dify's dropped httpx client does.
 */
export class QdrantReads {
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;

  constructor(private readonly target: ReadsTarget) {
    this.pool = new Pool(target.origin, { connections: 25, keepAliveTimeout: 10_000 });
    this.headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      // Why identity: see CLIENT_STALL in index.ts (compressed answers stall Node's clients).
      'accept-encoding': 'identity',
      ...(target.apiKey ? { 'api-key': target.apiKey } : {}),
    };
  }

  /** POST /collections/{collection}/points/{operation} with `body`; the answer's `result`. */
  async post<O extends ReadOperation>(collection: string, operation: O, body: ReadBodies[O]): Promise<ReadAnswers[O]> {
    const path = `/collections/${encodeURIComponent(collection)}/points/${operation}`;
    const answer = await this.pool.request({
      path,
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify(body),
      headersTimeout: this.target.timeoutMs,
      bodyTimeout: this.target.timeoutMs,
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) {
      // Starts as the REST client's errors do ("Unexpected Response: 404"), so callers read both alike.
      throw new Error(`Unexpected Response: ${answer.statusCode} POST ${path}: ${serverError(text)}`);
    }
    const result = resultOf(JSON.parse(text) as unknown);
    // The shape the callers read (an array of points, or {points: [...]}); each point's payload is checked by hitOf.
    const shaped = operation === 'search' ? Array.isArray(result) : isRecord(result) && Array.isArray(result.points);
    if (!shaped) throw new Error(`qdrant: POST ${path} answered 200 without the points it asks for: ${text.slice(0, 200)}`);
    return result as ReadAnswers[O];
  }

  /** Closes the pool's connections once its requests have ended. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Qdrant's error body is {"status": {"error": "..."}}; anything else is shown as it came. */
function serverError(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const status = isRecord(parsed) ? parsed.status : undefined;
    if (isRecord(status) && status.error !== undefined) return String(status.error);
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200) || '(no body)';
}

function resultOf(answer: unknown): unknown {
  return isRecord(answer) ? answer.result : undefined;
}
