import type { DockerRecipe } from '../../runtime/docker-recipe.js';
import { chromaLocalRecipe } from './chroma-local-recipe.js';

/**
 * Chroma 0.5.20 (the version Dify's compose pins) in the image scripts/build-images.sh builds
 * from docker/chroma: PyPI chromadb==0.5.20 with scripts/install-chroma.sh's lock, on Debian's
 * Python 3.11. The same `chroma run` flags as the local recipe, with the data at the official
 * image's path. Readiness is the local recipe's (/api/v2/heartbeat).
 */
export const chromaDockerRecipe: DockerRecipe = {
  ports: ['http'],
  defaultPorts: { http: 8000 },
  defaultVersion: '0.5.20',
  images: { '0.5.20': 'vdb-bench/chroma:0.5.20-local' },
  upstreamImage: 'ghcr.io/chroma-core/chroma:0.5.20',
  buildScript: 'scripts/build-images.sh chroma',
  dataDir: { kind: 'volume', path: '/chroma/chroma' },
  command: (ctx) => ({
    // Logs go to stdout too; the file handler would otherwise write chroma.log into the cwd.
    args: ['run', '--path', ctx.dataDir, '--host', '127.0.0.1', '--port', String(ctx.ports.http), '--log-path', '/dev/null'],
    env: { ANONYMIZED_TELEMETRY: 'False' },
  }),
  isReady: (endpoint) => chromaLocalRecipe.isReady(endpoint),
  startTimeoutSeconds: 60,
};
