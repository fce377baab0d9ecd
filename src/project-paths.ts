import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is src/project-paths.ts). Servers install under .vdb-bench/. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where scripts/install-*.sh put store servers: `.vdb-bench/<parts...>`. VDB_BENCH_INSTALL_DIR
 * points the harness at another tree laid out the same way (one shared by several clones; an
 * empty one shows what a run does on a machine where nothing is installed).
 */
export function installDir(...parts: string[]): string {
  return join(process.env.VDB_BENCH_INSTALL_DIR || join(PROJECT_ROOT, '.vdb-bench'), ...parts);
}

/** The installed version of an npm dependency, for results (client versions are part of a run). */
export function npmPackageVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return json.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
