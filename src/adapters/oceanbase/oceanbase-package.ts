import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

const require = createRequire(import.meta.url);

/** The version of the `mysql2` client the adapter talks with. */
export function mysql2Version(): string {
  const json = require('mysql2/package.json') as { version?: string };
  return json.version ?? 'unknown';
}

/** The project root: the directory whose node_modules holds `mysql2` (works from src/ and dist/). */
export function projectRoot(): string {
  const entry = require.resolve('mysql2');
  const marker = `${sep}node_modules${sep}mysql2${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) return dirname(dirname(dirname(entry)));
  return entry.slice(0, at);
}

/** Where scripts/install-seekdb.sh puts a version's server. */
export function seekdbBinary(version: string): string {
  return join(projectRoot(), '.vdb-bench', 'seekdb', version, 'bin', 'seekdb');
}
