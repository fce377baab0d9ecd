import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { LocalCommand, LocalContext, LocalRecipe } from '../../runtime/local-recipe.js';

/**
 * Runs a real Weaviate server built from source by scripts/install-weaviate.sh
 * (`go install github.com/weaviate/weaviate/cmd/weaviate-server@v<version>`, CGO_ENABLED=0) into
 * `.vdb-bench/weaviate/<version>/bin/weaviate-server`.
 *
 * Versions:
 * - 1.27.0: what Dify's docker-compose runs (default).
 * - 1.19.0: Dify 1.7.1's default image; 1.19.13 is the last 1.19 patch. No Raft, ready in ~0.3 s.
 * - 1.39.3: the newest release the Go module proxy served when this was written.
 *
 * Bind addresses (checked with `ss -ltnup`): REST (--host) always binds 127.0.0.1; Raft and the
 * Raft RPC bind the advertised address (127.0.0.1 here). Gossip binds 127.0.0.1 only from
 * versions that read CLUSTER_BIND_ADDR (1.39.3 does, 1.27.0 and 1.19.x do not: they bind all
 * interfaces). The client gRPC port and the inter-node data port always bind all interfaces
 * (":port", not configurable). 1.19.x also opens pprof on :6060 unconditionally (a failure to bind
 * it is only logged); later versions honour GO_PROFILING_DISABLE.
 */

const DEFAULT_VERSION = '1.27.0';
const VERSIONS = ['1.27.0', '1.19.0', '1.19.13', '1.39.3'] as const;
const INSTALL_SCRIPT = 'scripts/install-weaviate.sh';

let root: string | undefined;

/** The repo root: the nearest ancestor of this file holding the install script. */
function projectRoot(): string {
  if (root === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      if (existsSync(join(dir, INSTALL_SCRIPT))) break;
      const parent = dirname(dir);
      if (parent === dir) {
        dir = fileURLToPath(new URL('../../../', import.meta.url));
        break;
      }
      dir = parent;
    }
    root = dir;
  }
  return root;
}

export function weaviateBinary(version: string): string {
  return join(projectRoot(), '.vdb-bench', 'weaviate', version, 'bin', 'weaviate-server');
}

/**
 * Weaviate requires the inter-node data port to be the gossip port + 1 (1.27 refuses to start
 * otherwise; all versions assume it when addressing peers). The runtime hands out independent
 * free ports, so the data port is derived: gossip + 1, or, should that be another port this
 * server was given, the pair (gossip - 1, gossip) whose upper half is known to be free.
 */
function clusterPorts(ports: Readonly<Record<string, number>>): { gossip: number; data: number } {
  const gossip = port(ports, 'gossip');
  const others = new Set(Object.entries(ports).filter(([name]) => name !== 'gossip').map(([, p]) => p));
  if (!others.has(gossip + 1) && gossip + 1 <= 65535) return { gossip, data: gossip + 1 };
  return { gossip: gossip - 1, data: gossip };
}

function port(ports: Readonly<Record<string, number>>, name: string): number {
  const value = ports[name];
  if (value === undefined) throw new Error(`weaviate: no port named ${name}`);
  return value;
}

function command(ctx: LocalContext): LocalCommand {
  const { gossip, data } = clusterPorts(ctx.ports);
  return {
    command: weaviateBinary(ctx.version),
    args: ['--host', '127.0.0.1', '--port', String(port(ctx.ports, 'http')), '--scheme', 'http'],
    env: {
      PERSISTENCE_DATA_PATH: ctx.dataDir,
      // As in Dify's docker-compose: no vectorizer module (Dify sends its own vectors).
      DEFAULT_VECTORIZER_MODULE: 'none',
      QUERY_DEFAULTS_LIMIT: '25',
      ENABLE_MODULES: '',
      // Dify uses an API key; the harness talks to a private loopback server without one.
      AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'true',
      CLUSTER_HOSTNAME: 'node1',
      // Without an advertise address memberlist picks a private IP of the host (an IPv6 one here,
      // which Weaviate 1.27 then mis-splits at ':' and fails to start the Raft RPC server).
      CLUSTER_ADVERTISE_ADDR: '127.0.0.1',
      CLUSTER_BIND_ADDR: '127.0.0.1',
      CLUSTER_GOSSIP_BIND_PORT: String(gossip),
      CLUSTER_DATA_BIND_PORT: String(data),
      GRPC_PORT: String(port(ctx.ports, 'grpc')),
      RAFT_PORT: String(port(ctx.ports, 'raft')),
      RAFT_INTERNAL_RPC_PORT: String(port(ctx.ports, 'raftRpc')),
      RAFT_BOOTSTRAP_EXPECT: '1',
      RAFT_JOIN: 'node1',
      DISABLE_TELEMETRY: 'true',
      // Otherwise pprof listens on :6060 on every interface, and parallel servers collide.
      GO_PROFILING_DISABLE: 'true',
      LOG_LEVEL: 'info',
    },
  };
}

export const weaviateLocalRecipe: LocalRecipe = {
  ports: ['http', 'grpc', 'gossip', 'raft', 'raftRpc'],
  defaultVersion: DEFAULT_VERSION,
  versions: VERSIONS,
  // 1.19.13 (Dify's older compose pin) is for users; no test needs it beside 1.19.0.
  testVersions: ['1.27.0', '1.19.0', '1.39.3'],
  installScript: INSTALL_SCRIPT,
  command,
  async isReady(endpoint: Endpoint): Promise<boolean> {
    const res = await fetch(`http://${endpoint.host}:${port(endpoint.ports, 'http')}/v1/.well-known/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.ok;
  },
  // 1.27 is ready in ~2.5 s and 1.39 in ~8 s (Raft election with the default timeout multiplier)
  // when idle; a loaded 2-core machine and a cgroup memory limit can stretch that a lot.
  startTimeoutSeconds: 120,
};
