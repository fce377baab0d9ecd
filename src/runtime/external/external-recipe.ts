import type { Endpoint } from '../endpoint.js';

/** What a store's external recipe is given: the `--endpoint` URL, checked, and the environment. */
export interface ExternalContext {
  /** A scheme the recipe takes, no password in it, only the query parameters it names. */
  readonly url: URL;
  /** Where Dify's credential variables are read from (process.env in a run). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Where the store serves Prometheus metrics and which of them is its memory, best first. */
export interface MetricsSource {
  readonly url: string;
  readonly metrics: readonly string[];
  /** Sent with every read (an API key the metrics page wants); never recorded. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ExternalTarget {
  readonly endpoint: Endpoint;
  /** The store's metrics page, or why its memory cannot be seen from here. */
  readonly memory: MetricsSource | { readonly notVisible: string };
}

/**
 * How to reach one store's server that runs elsewhere (`bench run --runtime external --endpoint
 * store=URL`): which URLs it takes, which of Dify's environment variables hold its credential,
 * and how to tell it answers. Kept in the store's folder beside its local and docker recipes.
 */
export interface ExternalRecipe {
  /** URL schemes, e.g. ['http', 'https'] or ['postgres', 'postgresql']. */
  readonly schemes: readonly string[];
  /** Shown in errors and `bench stores`, e.g. `postgres://user@host:5432/db?sslmode=require`. */
  readonly example: string;
  /** Dify's variables the recipe reads (the credential first), e.g. ['PGVECTOR_PASSWORD']. */
  readonly env: readonly string[];
  /** Query parameters the URL may carry (e.g. Weaviate's `grpc`, `metrics`); any other is refused. */
  readonly params: readonly string[];
  /** The endpoint (named ports the adapter reads, TLS, user, credential) and where memory is visible. */
  target(ctx: ExternalContext): ExternalTarget;
  /** True once the server answers with these credentials; called a few times before giving up. */
  isReady(endpoint: Endpoint): Promise<boolean>;
}

/**
 * The server answered and refused the credentials: final, so the runtime stops asking at once
 * instead of waiting for a server that will not change its mind.
 */
export class AccessDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

/** The port a URL names, or the store's own default when it names none. */
export function urlPort(url: URL, fallback: number): number {
  return url.port === '' ? fallback : Number(url.port);
}

/** A numeric query parameter (a port), or the fallback; a non-number is refused naming the parameter. */
export function portParam(url: URL, name: string, fallback: number | undefined): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`parameter ${name}: "${value}" is not a port`);
  return port;
}
