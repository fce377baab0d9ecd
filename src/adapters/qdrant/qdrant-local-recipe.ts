import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { LocalCommand, LocalContext, LocalRecipe } from '../../runtime/local-recipe.js';
import { ServerStartError } from '../../runtime/server-start-error.js';
import { installDir } from '../../project-paths.js';

/**
 * Runs a real Qdrant server that scripts/install-qdrant.sh built from source with cargo into
 * `.vdb-bench/qdrant/<version>/bin/qdrant` (no package registry ships one).
 *
 * Versions: 1.8.3 is Dify's compose pin (`langgenius/qdrant:v1.8.3`, default); 1.18.3 the newest
 * release vendored here, the first of the two with the Query API (native hybrid).
 *
 * Everything is set through Qdrant's environment overrides (QDRANT__SECTION__KEY): REST and gRPC
 * on 127.0.0.1 at the harness's ports; storage, snapshots and the `.qdrant-initialized` marker
 * (otherwise written to the working directory) in the run's private data dir. Telemetry and
 * panic reports to telemetry.qdrant.io are off (QDRANT__TELEMETRY_DISABLED, and the
 * --disable-telemetry flag both versions know). Cluster mode is off by default, so no P2P port
 * is opened: `ss -ltnp` shows exactly the two ports, both on 127.0.0.1. The server also reads
 * optional config/config.yaml, config/development.yaml and config/local.yaml relative to its
 * working directory (the repository root has no config/ folder).
 */

const DEFAULT_VERSION = '1.8.3';
const VERSIONS = ['1.8.3', '1.18.3'] as const;
const INSTALL_SCRIPT = 'scripts/install-qdrant.sh';

export function qdrantBinary(version: string): string {
  return installDir('qdrant', version, 'bin', 'qdrant');
}

function port(ports: Readonly<Record<string, number>>, name: string): number {
  const value = ports[name];
  if (value === undefined) throw new Error(`qdrant: no port named ${name}`);
  return value;
}

/** The server's environment, shared with the docker recipe (which only moves the paths). */
export function qdrantEnv(
  ports: Readonly<Record<string, number>>,
  paths: { readonly storage: string; readonly snapshots: string; readonly initFile: string },
): Record<string, string> {
  return {
    QDRANT__SERVICE__HOST: '127.0.0.1',
    QDRANT__SERVICE__HTTP_PORT: String(port(ports, 'http')),
    QDRANT__SERVICE__GRPC_PORT: String(port(ports, 'grpc')),
    QDRANT__TELEMETRY_DISABLED: 'true',
    QDRANT__STORAGE__STORAGE_PATH: paths.storage,
    QDRANT__STORAGE__SNAPSHOTS_PATH: paths.snapshots,
    QDRANT_INIT_FILE_PATH: paths.initFile,
  };
}

function command(ctx: LocalContext): LocalCommand {
  const binary = qdrantBinary(ctx.version);
  if (!existsSync(binary)) {
    throw new ServerStartError(`qdrant ${ctx.version}: ${binary} is not installed; run bash ${INSTALL_SCRIPT} ${ctx.version}`);
  }
  return {
    command: binary,
    args: ['--disable-telemetry'],
    env: qdrantEnv(ctx.ports, {
      storage: join(ctx.dataDir, 'storage'),
      snapshots: join(ctx.dataDir, 'snapshots'),
      initFile: join(ctx.dataDir, '.qdrant-initialized'),
    }),
  };
}

/** GET /readyz (both 1.8.3 and 1.18.3 serve it): 200 once every shard is ready. */
export async function qdrantIsReady(endpoint: Endpoint): Promise<boolean> {
  const res = await fetch(`http://${endpoint.host}:${port(endpoint.ports, 'http')}/readyz`, {
    signal: AbortSignal.timeout(2000),
  });
  await res.arrayBuffer();
  return res.ok;
}

export const qdrantLocalRecipe: LocalRecipe = {
  ports: ['http', 'grpc'],
  defaultVersion: DEFAULT_VERSION,
  versions: VERSIONS,
  // CI builds Dify's pin only: each build is ~27 min on two cores, and both do not fit CI's hour.
  testVersions: ['1.8.3'],
  installScript: INSTALL_SCRIPT,
  installRunsLong: true,
  command,
  isReady: qdrantIsReady,
  startTimeoutSeconds: 60,
};
