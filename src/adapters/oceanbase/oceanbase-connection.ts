import type { ConnectionOptions } from 'mysql2/promise';
import type { Endpoint } from '../../runtime/endpoint.js';

/**
 * How mysql2 reaches the server: as the local recipe leaves seekdb (root, no password, plain TCP),
 * or as an external endpoint says (its user, e.g. Dify's default `root@test` for an OceanBase
 * tenant, OCEANBASE_VECTOR_PASSWORD, TLS).
 */
export function oceanbaseConnection(endpoint: Endpoint, port: number): ConnectionOptions {
  const access = endpoint.access;
  const tls = access?.tls ?? 'off';
  return {
    host: endpoint.host,
    port,
    user: access?.user ?? 'root',
    password: access?.secret?.reveal() ?? '',
    ...(tls === 'off' ? {} : { ssl: { rejectUnauthorized: tls === 'verify' } }),
  };
}
