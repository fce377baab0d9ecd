import type { DockerRecipe } from '../../runtime/docker-recipe.js';
import { pgvectorLocalRecipe } from './pgvector-local-recipe.js';
import { PGVECTOR_VERSION } from './pgvector-version.js';

/**
 * PostgreSQL 15 + pgvector in the image scripts/build-images.sh builds from docker/pgvector
 * (Debian's postgresql-15 and pgvector from Debian trixie's source, as the local recipe runs).
 * The image's entrypoint makes the data directory with initdb at first start, then runs postgres
 * with these flags; server settings stay at PostgreSQL's defaults (shared_buffers 128MB), as in
 * the pgvector image Dify's compose runs. Readiness is the local recipe's (SELECT 1).
 */
export const pgvectorDockerRecipe: DockerRecipe = {
  ports: ['postgres'],
  defaultPorts: { postgres: 5432 },
  defaultVersion: PGVECTOR_VERSION,
  images: { [PGVECTOR_VERSION]: `vdb-bench/pgvector:pg15-${PGVECTOR_VERSION}-local` },
  upstreamImage: 'pgvector/pgvector:pg16',
  buildScript: 'scripts/build-images.sh pgvector',
  dataDir: { kind: 'volume', path: '/var/lib/postgresql/data' },
  user: 'postgres',
  command: (ctx) => ({
    args: [
      '-p', String(ctx.ports.postgres),
      '-c', 'listen_addresses=127.0.0.1',
      // Enough for the concurrency sweep's clients plus the harness's own connections.
      '-c', 'max_connections=100',
    ],
    env: { PGDATA: ctx.dataDir },
  }),
  isReady: (endpoint) => pgvectorLocalRecipe.isReady(endpoint),
  startTimeoutSeconds: 60,
};
