import type { LocalCommand, LocalContext } from '../../runtime/local-recipe.js';
import { chromaNpmCli } from './chroma-package.js';
import { installDir } from '../../project-paths.js';

/**
 * Where each Chroma version's server comes from. Every route binds 127.0.0.1 explicitly
 * (`chroma run` defaults to localhost) and serves the v2 API the JS client speaks; 0.5.20 also
 * serves v1.
 */
export interface ChromaRoute {
  readonly version: string;
  readonly source: string;
  command(ctx: LocalContext): LocalCommand;
}

const env = { ANONYMIZED_TELEMETRY: 'False' };

function flags(ctx: LocalContext): string[] {
  return ['--path', ctx.dataDir, '--host', '127.0.0.1', '--port', String(ctx.ports.http)];
}

/** `.vdb-bench/chroma/<version>/venv/bin/<name>`, installed by scripts/install-chroma.sh. */
function venvFile(version: string, name: string): string {
  return installDir('chroma', version, 'venv', 'bin', name);
}

/** What the 1.x wheel's `chroma` entry point does, minus importing the chromadb package. */
const RUST_CLI = 'import sys, chromadb_rust_bindings; chromadb_rust_bindings.cli(["chroma", *sys.argv[1:]])';

export const CHROMA_ROUTES: readonly ChromaRoute[] = [
  {
    // Dify's docker-compose pins ghcr.io/chroma-core/chroma:0.5.20: the Python server (FastAPI + hnswlib).
    version: '0.5.20',
    source: 'PyPI chromadb==0.5.20 (Python server) in .vdb-bench/chroma/0.5.20/venv',
    command: (ctx) => ({
      command: venvFile('0.5.20', 'chroma'),
      // Logs go to stdout too; the file handler would otherwise write chroma.log into the cwd.
      args: ['run', ...flags(ctx), '--log-path', '/dev/null'],
      env,
    }),
  },
  {
    // The Rust server from the npm bindings (chromadb-js-bindings-linux-x64-gnu 1.0.5, the newest
    // that runs on glibc 2.36); it reports version 1.0.0.
    version: '1.0.0',
    source: 'npm chromadb-js-bindings-linux-x64-gnu 1.0.5 (Rust server inside Node)',
    command: (ctx) => ({ command: process.execPath, args: [chromaNpmCli(), 'run', ...flags(ctx)], env }),
  },
  {
    // The current release: the Rust server inside the PyPI wheel (manylinux_2_17). It too reports
    // version 1.0.0 on /api/v2/version. The wheel's `chroma` script imports the whole chromadb
    // package (numpy, pydantic, OpenTelemetry: ~45 MB, ~1 s) only to call
    // chromadb_rust_bindings.cli(argv); calling that directly runs the same server the way the
    // Docker image's Rust binary does (ready in ~0.1 s, ~38 MB RSS idle).
    version: '1.5.9',
    source: 'PyPI chromadb==1.5.9 (Rust server in the wheel) in .vdb-bench/chroma/1.5.9/venv',
    command: (ctx) => ({
      command: venvFile('1.5.9', 'python'),
      args: ['-c', RUST_CLI, 'run', ...flags(ctx)],
      env,
    }),
  },
];

export function chromaRoute(version: string): ChromaRoute {
  const route = CHROMA_ROUTES.find((r) => r.version === version);
  if (!route) {
    throw new Error(`chroma: no route for version ${version}; known: ${CHROMA_ROUTES.map((r) => r.version).join(', ')}`);
  }
  return route;
}
