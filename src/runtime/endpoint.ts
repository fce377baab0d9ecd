import type { Secret } from './secret.js';

/**
 * Where a started server listens. `ports` holds every named port the recipe asked for. It lives
 * in the runtime layer because runtimes produce it; adapters and recipes depend on it, never the
 * reverse.
 */
export interface Endpoint {
  readonly host: string;
  readonly ports: Readonly<Record<string, number>>;
  /**
   * How to log in and over what, for a server the harness did not start (`--runtime external`);
   * absent for servers a runtime started here, which the adapters reach as their recipes left
   * them (no password, plain TCP).
   */
  readonly access?: EndpointAccess;
}

export interface EndpointAccess {
  /** TLS: `verify` checks the server's certificate, `unverified` encrypts only (libpq's sslmode=require). */
  readonly tls: 'off' | 'verify' | 'unverified';
  readonly user?: string;
  /** A database (PostgreSQL, MySQL) or, for Chroma, tenant/database path; the store's default when absent. */
  readonly database?: string;
  /** From the environment variable Dify uses for the store (the recipe names it). */
  readonly secret?: Secret;
  /** A store-specific credential kind, e.g. Chroma's `token` or `basic` (CHROMA_AUTH_PROVIDER). */
  readonly scheme?: string;
}
