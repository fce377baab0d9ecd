import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Endpoint } from '../store-adapter.js';
import type { LocalRecipe } from '../../runtime/local-recipe.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const CONTROL = '/usr/share/postgresql/15/extension/vector.control';

/** The pgvector version scripts/install-pgvector.sh installed, or what it would install. */
function installedPgvector(): string {
  try {
    return /default_version = '([^']+)'/.exec(readFileSync(CONTROL, 'utf8'))?.[1] ?? '0.8.0';
  } catch {
    return '0.8.0';
  }
}

const version = installedPgvector();

/**
 * Debian's PostgreSQL 15 with pgvector, in a private data directory made by initdb for each run.
 * Postgres refuses to run as root, so it runs as the `postgres` user Debian's package creates.
 * Server settings stay at PostgreSQL's defaults (shared_buffers 128MB), as in the pgvector image.
 */
export const pgvectorLocalRecipe: LocalRecipe = {
  ports: ['postgres'],
  defaultVersion: version,
  versions: [version],
  installScript: 'scripts/install-pgvector.sh',
  async prepare(ctx, run) {
    await run({
      command: join(PG_BIN, 'initdb'),
      args: ['-D', join(ctx.dataDir, 'pgdata'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
      user: 'postgres',
    });
  },
  command: (ctx) => ({
    command: join(PG_BIN, 'postgres'),
    args: [
      '-D', join(ctx.dataDir, 'pgdata'),
      '-p', String(ctx.ports.postgres),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${ctx.dataDir}`,
      // Enough for the concurrency sweep's clients plus the harness's own connections.
      '-c', 'max_connections=100',
    ],
    user: 'postgres',
  }),
  async isReady(endpoint: Endpoint): Promise<boolean> {
    const client = new pg.Client({ host: endpoint.host, port: endpoint.ports.postgres, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  startTimeoutSeconds: 60,
};
