import type { DockerRecipe } from '../../runtime/docker-recipe.js';
import { qdrantEnv, qdrantIsReady, qdrantLocalRecipe } from './qdrant-local-recipe.js';

/** The versions scripts/build-images.sh builds images for (its QDRANT_VERSIONS). */
const VERSIONS = ['1.8.3', '1.18.3'] as const;

/**
 * Qdrant in the images scripts/build-images.sh builds from docker/qdrant: the binary
 * scripts/install-qdrant.sh built from source (the local recipe's), laid out as the official
 * image lays it out (/qdrant/qdrant, working directory /qdrant, data in /qdrant/storage, the
 * path Dify's compose mounts). Dify's compose runs `langgenius/qdrant:v1.8.3` (Qdrant's own image
 * of that release, retagged); no registry is reachable here, hence the local build.
 *
 * The environment is the local recipe's: REST and gRPC on 127.0.0.1 at the runtime's ports
 * (`--network host`), telemetry off; storage in the container's anonymous volume, snapshots and
 * the init marker beside it under /qdrant.
 */
export const qdrantDockerRecipe: DockerRecipe = {
  ports: qdrantLocalRecipe.ports,
  // Qdrant's own defaults (REST 6333, gRPC 6334), for `bench compose`'s example ports.
  defaultPorts: { http: 6333, grpc: 6334 },
  defaultVersion: '1.8.3',
  images: Object.fromEntries(VERSIONS.map((v) => [v, `vdb-bench/qdrant:${v}-local`])),
  upstreamImage: 'langgenius/qdrant:v1.8.3',
  buildScript: 'scripts/build-images.sh qdrant',
  dataDir: { kind: 'volume', path: '/qdrant/storage' },
  command: (ctx) => ({
    args: ['--disable-telemetry'],
    env: qdrantEnv(ctx.ports, {
      storage: ctx.dataDir,
      snapshots: '/qdrant/snapshots',
      initFile: '/qdrant/.qdrant-initialized',
    }),
  }),
  isReady: qdrantIsReady,
  startTimeoutSeconds: qdrantLocalRecipe.startTimeoutSeconds,
};
