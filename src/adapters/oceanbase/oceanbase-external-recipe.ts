import mysql from 'mysql2/promise';
import { AccessDenied, urlPort, type ExternalRecipe } from '../../runtime/external/external-recipe.js';
import { socketHost } from '../../runtime/external/tls-mode.js';
import { secretFromEnv } from '../../runtime/secret.js';
import { oceanbaseConnection } from './oceanbase-connection.js';

/**
 * OceanBase or seekdb running elsewhere, over the MySQL protocol:
 * `mysql://root%40test@host:2881/test?ssl=true` (user and database as Dify's
 * OCEANBASE_VECTOR_USER / OCEANBASE_VECTOR_DATABASE; `@` in a tenant user is written %40), the
 * password in OCEANBASE_VECTOR_PASSWORD. The database must exist. Memory is not visible: the
 * server's own views (GV$OB_MEMORY) need the sys tenant, which a Dify user does not have.
 */
export const oceanbaseExternalRecipe: ExternalRecipe = {
  schemes: ['mysql', 'oceanbase'],
  example: 'mysql://root%40test@127.0.0.1:2881/test',
  env: ['OCEANBASE_VECTOR_PASSWORD'],
  params: ['ssl'],
  target({ url, env }) {
    const ssl = url.searchParams.get('ssl') ?? 'false';
    if (!['true', 'false', 'unverified'].includes(ssl)) throw new Error(`parameter ssl: "${ssl}" is not true, false or unverified`);
    const secret = secretFromEnv(env, 'OCEANBASE_VECTOR_PASSWORD');
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return {
      endpoint: {
        host: socketHost(url),
        ports: { mysql: urlPort(url, 2881) },
        access: {
          tls: ssl === 'true' ? 'verify' : ssl === 'unverified' ? 'unverified' : 'off',
          user: decodeURIComponent(url.username) || 'root@test',
          database: database || 'test',
          ...(secret ? { secret } : {}),
        },
      },
      memory: { notVisible: "OceanBase's memory views need the sys tenant; no metrics endpoint is read" },
    };
  },
  async isReady(endpoint) {
    const port = endpoint.ports.mysql ?? 2881;
    const conn = await mysql
      .createConnection({ ...oceanbaseConnection(endpoint, port), connectTimeout: 5000 })
      .catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'ER_ACCESS_DENIED_ERROR') throw new AccessDenied((error as Error).message);
        throw error;
      });
    try {
      await conn.query('SELECT 1');
      return true;
    } finally {
      await conn.end().catch(() => undefined);
    }
  },
};
