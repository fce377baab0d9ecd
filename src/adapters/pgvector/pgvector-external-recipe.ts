import pg from 'pg';
import type { EndpointAccess } from '../../runtime/endpoint.js';
import { AccessDenied, urlPort, type ExternalRecipe } from '../../runtime/external/external-recipe.js';
import { socketHost } from '../../runtime/external/tls-mode.js';
import { secretFromEnv } from '../../runtime/secret.js';
import { pgConnection } from './pgvector-connection.js';

const SSL_MODES: Readonly<Record<string, EndpointAccess['tls']>> = {
  disable: 'off',
  require: 'unverified',
  'verify-ca': 'verify',
  'verify-full': 'verify',
};

/**
 * A PostgreSQL with pgvector running elsewhere (a managed PostgreSQL, say):
 * `postgres://user@host:5432/db?sslmode=require`, the password in PGVECTOR_PASSWORD as Dify reads
 * it. PostgreSQL serves no memory metrics, so its memory is not visible from here.
 */
export const pgvectorExternalRecipe: ExternalRecipe = {
  schemes: ['postgres', 'postgresql'],
  example: 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=require',
  env: ['PGVECTOR_PASSWORD'],
  params: ['sslmode'],
  target({ url, env }) {
    const mode = url.searchParams.get('sslmode') ?? 'disable';
    const tls = SSL_MODES[mode];
    if (tls === undefined) throw new Error(`parameter sslmode: "${mode}" is not one of ${Object.keys(SSL_MODES).join(', ')}`);
    const secret = secretFromEnv(env, 'PGVECTOR_PASSWORD');
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return {
      endpoint: {
        host: socketHost(url),
        ports: { postgres: urlPort(url, 5432) },
        access: {
          tls,
          user: decodeURIComponent(url.username) || 'postgres',
          database: database || 'postgres',
          ...(secret ? { secret } : {}),
        },
      },
      memory: { notVisible: 'PostgreSQL serves no memory metrics of its own' },
    };
  },
  async isReady(endpoint) {
    const client = new pg.Client({ ...pgConnection(endpoint), connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      // 28P01 invalid_password, 28000 invalid_authorization_specification (no such role, pg_hba).
      const code = (error as { code?: unknown }).code;
      if (code === '28P01' || code === '28000') throw new AccessDenied((error as Error).message);
      throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
