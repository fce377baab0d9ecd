import type { DockerRecipe } from '../../runtime/docker-recipe.js';
import { weaviateLocalRecipe } from './weaviate-local-recipe.js';

/** The versions scripts/build-images.sh builds images for (its WEAVIATE_VERSIONS). */
const VERSIONS = ['1.27.0', '1.19.0'] as const;

/**
 * Weaviate in the images scripts/build-images.sh builds from docker/weaviate: the static
 * `weaviate-server` that scripts/install-weaviate.sh builds with `go install` (the local recipe's
 * binary), copied onto the project's Debian base as /bin/weaviate, the official image's
 * entrypoint. 1.27.0 is what Dify's compose runs (default); 1.19.0 is Dify 1.7's (profile
 * dify-legacy).
 *
 * The command is the local recipe's, unchanged: REST on 127.0.0.1, the cluster advertised and
 * bound on 127.0.0.1, gossip/data/gRPC/Raft on the ports the runtime hands out, no vectorizer
 * module, anonymous access, telemetry and pprof off; only the data path is the container's
 * (/var/lib/weaviate, as in Dify's compose). With `--network host` the gRPC and the inter-node
 * data port bind all interfaces as they do locally (not configurable); 1.19.x also opens pprof on
 * :6060 whatever GO_PROFILING_DISABLE says (a failure to bind it is only logged).
 *
 * A profile's server env (gse: ENABLE_TOKENIZER_GSE=true) is not part of this command: the
 * docker runtime refuses it (the gse profile needs --runtime local).
 */
export const weaviateDockerRecipe: DockerRecipe = {
  ports: weaviateLocalRecipe.ports,
  defaultPorts: { http: 8080, grpc: 50051, gossip: 7946, raft: 8300, raftRpc: 8301 },
  defaultVersion: '1.27.0',
  images: Object.fromEntries(VERSIONS.map((v) => [v, `vdb-bench/weaviate:${v}-local`])),
  upstreamImage: 'semitechnologies/weaviate:1.27.0',
  buildScript: 'scripts/build-images.sh weaviate',
  dataDir: { kind: 'volume', path: '/var/lib/weaviate' },
  command: (ctx) => {
    const local = weaviateLocalRecipe.command({ ports: ctx.ports, version: ctx.version, dataDir: ctx.dataDir });
    return { args: local.args, env: { ...local.env, PERSISTENCE_DATA_PATH: ctx.dataDir } };
  },
  isReady: (endpoint) => weaviateLocalRecipe.isReady(endpoint),
  startTimeoutSeconds: weaviateLocalRecipe.startTimeoutSeconds,
};
