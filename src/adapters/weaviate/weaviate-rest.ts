import { Pool, type Dispatcher } from 'undici';
import type { Endpoint } from '../../runtime/endpoint.js';

/** Raised for a non-2xx answer or a GraphQL error; carries the status and Weaviate's message. */
export class WeaviateRestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 120_000;

/** A REST answer, read whole. */
interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * The few REST and GraphQL calls the adapter makes itself, by undici's `request` on a keep-alive
 * pool. Some are on every retrieval's path (Dify's exists check before each search; every search
 * of the GraphQL profile), and Node's fetch, which these went by until 2026-12-07, cost 1.2–1.7 ms
 * of client CPU per exists check here against 0.4–0.6 ms by undici's request of the same request
 * (scripts/measure-weaviate-rest.ts, issue #12). The pool keeps fetch's
 * defaults (undici's: unbounded connections, 4 s keep-alive unless the server says otherwise).
 */
export class WeaviateRest {
  private readonly pool: Pool;
  /** The base URL's path, e.g. `/v1`, put before every call's path. */
  private readonly prefix: string;

  constructor(
    readonly baseUrl: string,
    /** Sent with every call: the API key (WEAVIATE_API_KEY) of an external server. */
    private readonly auth: Readonly<Record<string, string>> = {},
  ) {
    const url = new URL(baseUrl);
    this.pool = new Pool(url.origin);
    this.prefix = url.pathname.replace(/\/$/, '');
  }

  /** REST on the endpoint's `http` port: https and the API key when an external endpoint says so. */
  static forEndpoint(endpoint: Endpoint, port: number): WeaviateRest {
    const access = endpoint.access;
    const scheme = access && access.tls !== 'off' ? 'https' : 'http';
    return new WeaviateRest(`${scheme}://${endpoint.host}:${port}/v1`, weaviateAuthHeaders(endpoint));
  }

  async meta(): Promise<{ version: string }> {
    const meta = (await this.request('GET', '/meta')) as { version?: unknown };
    if (typeof meta.version !== 'string') throw new Error('weaviate: /v1/meta has no version');
    return { version: meta.version };
  }

  /** GET /v1/.well-known/ready: Python v4's `is_ready()` (200 ready, 503 not). */
  async ready(): Promise<boolean> {
    return ok(await this.send('GET', '/.well-known/ready'));
  }

  /** GET /v1/schema/{class}: what Python v4's `collections.exists` asks. */
  async classExists(className: string): Promise<boolean> {
    const answer = await this.send('GET', `/schema/${className}`);
    if (answer.status === 404) return false;
    check(answer, `GET /schema/${className}`);
    return true;
  }

  /** GET /v1/schema, the whole schema: what Python v3's `schema.contains` asks. */
  async schemaContains(className: string): Promise<boolean> {
    const schema = (await this.request('GET', '/schema')) as { classes?: { class?: string }[] };
    return (schema.classes ?? []).some((c) => c.class === className);
  }

  /** JSON in, JSON out; an empty body (204) gives undefined. */
  async request(method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<unknown> {
    return check(await this.send(method, path, body), `${method} ${path}`);
  }

  /**
   * DELETE that tolerates an absent target, as Dify's delete_by_ids does: 404, or the 400 with
   * "could not find class" that Weaviate 1.19 answers for a schema class it does not have.
   */
  async deleteIfPresent(path: string): Promise<void> {
    const answer = await this.send('DELETE', path);
    if (answer.status === 404) return;
    if (answer.status === 400) {
      if (answer.text.includes('could not find class')) return;
      throw new WeaviateRestError(`weaviate: DELETE ${path} answered 400: ${answer.text}`, 400);
    }
    check(answer, `DELETE ${path}`);
  }

  async graphql<T>(query: string): Promise<T> {
    const answer = (await this.request('POST', '/graphql', { query })) as {
      data?: T;
      errors?: { message?: string }[];
    };
    if (answer.errors?.length) {
      throw new WeaviateRestError(
        `weaviate GraphQL: ${answer.errors.map((e) => e.message ?? JSON.stringify(e)).join('; ')}`,
        200,
      );
    }
    if (answer.data === undefined) throw new WeaviateRestError('weaviate GraphQL: no data', 200);
    return answer.data;
  }

  /** Closes the pool's connections once its requests have ended. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async send(method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<Answer> {
    const answer = await this.pool.request({
      path: `${this.prefix}${path}`,
      method,
      headers: body === undefined ? { ...this.auth } : { ...this.auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    return { status: answer.statusCode, text: await answer.body.text() };
  }
}

function ok(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** The answer's JSON (undefined for an empty body), or a WeaviateRestError naming `what` and the status. */
function check(answer: Answer, what: string): unknown {
  if (!ok(answer)) throw new WeaviateRestError(`weaviate: ${what} answered ${answer.status}: ${answer.text.slice(0, 500)}`, answer.status);
  return answer.text.length === 0 ? undefined : (JSON.parse(answer.text) as unknown);
}

/** Weaviate's API-key authentication: `Authorization: Bearer <key>`, what Dify's client sends. */
export function weaviateAuthHeaders(endpoint: Endpoint): Record<string, string> {
  const secret = endpoint.access?.secret;
  return secret ? { authorization: `Bearer ${secret.reveal()}` } : {};
}
