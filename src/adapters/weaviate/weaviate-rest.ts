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

/** The few REST and GraphQL calls the adapter makes itself, over Node's fetch (keep-alive). */
export class WeaviateRest {
  constructor(
    readonly baseUrl: string,
    /** Sent with every call: the API key (WEAVIATE_API_KEY) of an external server. */
    private readonly auth: Readonly<Record<string, string>> = {},
  ) {}

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
    const res = await this.fetch('GET', '/.well-known/ready');
    await res.arrayBuffer();
    return res.ok;
  }

  /** GET /v1/schema/{class}: what Python v4's `collections.exists` asks. */
  async classExists(className: string): Promise<boolean> {
    const res = await this.fetch('GET', `/schema/${className}`);
    if (res.status === 404) {
      await res.arrayBuffer();
      return false;
    }
    await this.check(res, `GET /schema/${className}`);
    return true;
  }

  /** GET /v1/schema, the whole schema: what Python v3's `schema.contains` asks. */
  async schemaContains(className: string): Promise<boolean> {
    const schema = (await this.request('GET', '/schema')) as { classes?: { class?: string }[] };
    return (schema.classes ?? []).some((c) => c.class === className);
  }

  /** JSON in, JSON out; an empty body (204) gives undefined. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.fetch(method, path, body);
    return this.check(res, `${method} ${path}`);
  }

  /**
   * DELETE that tolerates an absent target, as Dify's delete_by_ids does: 404, or the 400 with
   * "could not find class" that Weaviate 1.19 answers for a schema class it does not have.
   */
  async deleteIfPresent(path: string): Promise<void> {
    const res = await this.fetch('DELETE', path);
    if (res.status === 404) {
      await res.arrayBuffer();
      return;
    }
    if (res.status === 400) {
      const text = await res.text();
      if (text.includes('could not find class')) return;
      throw new WeaviateRestError(`weaviate: DELETE ${path} answered 400: ${text}`, 400);
    }
    await this.check(res, `DELETE ${path}`);
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

  private fetch(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? { ...this.auth } : { ...this.auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }

  private async check(res: Response, what: string): Promise<unknown> {
    const text = await res.text();
    if (!res.ok) throw new WeaviateRestError(`weaviate: ${what} answered ${res.status}: ${text.slice(0, 500)}`, res.status);
    return text.length === 0 ? undefined : (JSON.parse(text) as unknown);
  }
}

/** Weaviate's API-key authentication: `Authorization: Bearer <key>`, what Dify's client sends. */
export function weaviateAuthHeaders(endpoint: Endpoint): Record<string, string> {
  const secret = endpoint.access?.secret;
  return secret ? { authorization: `Bearer ${secret.reveal()}` } : {};
}
