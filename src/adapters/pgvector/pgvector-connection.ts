import type pg from 'pg';
import type { Endpoint } from '../../runtime/endpoint.js';

/**
 * How node-postgres reaches a server: as the local and docker recipes leave it (user postgres,
 * trust authentication, plain TCP), or as an external endpoint says (its user, database,
 * PGVECTOR_PASSWORD, sslmode).
 */
export function pgConnection(endpoint: Endpoint): pg.ClientConfig {
  const access = endpoint.access;
  const tls = access?.tls ?? 'off';
  return {
    host: endpoint.host,
    port: endpoint.ports.postgres,
    user: access?.user ?? 'postgres',
    database: access?.database ?? 'postgres',
    ...(access?.secret ? { password: access.secret.reveal() } : {}),
    ...(tls === 'off' ? {} : { ssl: { rejectUnauthorized: tls === 'verify' } }),
  };
}
