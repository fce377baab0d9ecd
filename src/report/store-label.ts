import { DATA_DIR_IN_TEXT } from '../runtime/data-dir-name.js';
import type { StoreResult } from '../bench/results/results-schema.js';

/** `store[:profile] version`, the version the run asked for; the server's own string is in Environment. */
export function storeLabel(s: StoreResult): string {
  const version = s.server ? ` ${s.server.requestedVersion}` : '';
  return `${s.store}${s.profile === 'dify' ? '' : `:${s.profile}`}${version}`;
}

/**
 * A server's command line without this machine's paths: the private data directory and the
 * install prefix differ on every machine and run, and a published report must not carry them.
 * What is left (binary, flags, version) says how the server ran.
 */
export function publishableCommand(description: string): string {
  return description
    .replace(DATA_DIR_IN_TEXT, '$DATA_DIR')
    .replace(/(?:\/[^\s/`'"]+)*\/\.vdb-bench\//g, '.vdb-bench/');
}
