import { join } from 'node:path';
import { readFile, access } from 'node:fs/promises';
import pg from 'pg';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { LocalContext, LocalRecipe } from '../../runtime/local-recipe.js';
import { PG_BIN, PG_EXTENSION_DIR, PG_LIB_DIR, PG_MAJOR, PGVECTOR_VERSION } from './pgvector-version.js';

const INSTALL_SCRIPT = 'scripts/install-pgvector.sh';

/** The cluster lives in `<dataDir>/pgdata`; its Unix socket goes in dataDir itself (private). */
const pgdata = (ctx: LocalContext): string => join(ctx.dataDir, 'pgdata');

/**
 * Debian's PostgreSQL 15 with pgvector built by scripts/install-pgvector.sh, in a fresh cluster
 * made by initdb for each run. Postgres refuses to run as root, so it runs as the `postgres` user
 * Debian's package creates.
 *
 * Server settings are PostgreSQL's defaults (shared_buffers 128MB, work_mem 4MB,
 * maintenance_work_mem 64MB, max_connections 100, fsync on), as in the pgvector/pgvector image
 * Dify's compose runs; the adapter records them in the results. Two deliberate choices:
 * `--locale=C.UTF-8` so the cluster does not inherit whatever LANG the harness runs under (it
 * picks default_text_search_config = english, as the image's en_US.utf8 does), and
 * listen_addresses=127.0.0.1. Dify's image is PostgreSQL 16; Debian bookworm ships 15.
 */
export const pgvectorLocalRecipe: LocalRecipe = {
  ports: ['postgres'],
  defaultVersion: PGVECTOR_VERSION,
  versions: [PGVECTOR_VERSION],
  installScript: INSTALL_SCRIPT,
  checkInstalled,
  async prepare(ctx, run) {
    await checkInstalled(ctx.version);
    await run({
      command: join(PG_BIN, 'initdb'),
      args: ['-D', pgdata(ctx), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
      user: 'postgres',
    });
  },
  command: (ctx) => ({
    command: join(PG_BIN, 'postgres'),
    args: ['-D', pgdata(ctx), '-p', String(ctx.ports.postgres), '-c', 'listen_addresses=127.0.0.1', '-k', ctx.dataDir],
    user: 'postgres',
  }),
  async isReady(endpoint: Endpoint): Promise<boolean> {
    const client = new pg.Client({
      host: endpoint.host,
      port: endpoint.ports.postgres,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: 2000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  startTimeoutSeconds: 60,
  // Fast shutdown: SIGTERM (smart) would wait for the bench's pooled connections to close.
  stopSignal: 'SIGINT',
};

/** The server binary alone is not enough: fail before initdb if pgvector is missing or another version. */
async function checkInstalled(version: string): Promise<void> {
  const control = join(PG_EXTENSION_DIR, 'vector.control');
  const installed = await readFile(control, 'utf8')
    .then((text) => /^default_version = '([^']+)'/m.exec(text)?.[1])
    .catch(() => undefined);
  const library = await access(join(PG_LIB_DIR, 'vector.so')).then(() => true, () => false);
  if (installed !== version || !library) {
    const found = installed && library ? `pgvector ${installed} is installed` : 'pgvector is not installed';
    throw new Error(`pgvector: ${found} for PostgreSQL ${PG_MAJOR}, this run wants ${version}; run ${INSTALL_SCRIPT}`);
  }
}
