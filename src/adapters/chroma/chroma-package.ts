import { join } from 'node:path';
import { PROJECT_ROOT, npmPackageVersion } from '../../project-paths.js';

/** The version of the `chromadb` JS client the adapter talks with. */
export function chromaClientVersion(): string {
  return npmPackageVersion('chromadb');
}

/** The npm CLI (`node_modules/.bin/chroma` points at it); it runs the server from the bindings. */
export function chromaNpmCli(): string {
  return join(PROJECT_ROOT, 'node_modules', 'chromadb', 'dist', 'cli.mjs');
}
