import { withoutMachinePaths } from '../runtime/machine-paths.js';
import type { StoreResult } from '../bench/results/results-schema.js';

/** `store[:profile] version`, the version the run asked for; the server's own string is in Environment. */
export function storeLabel(s: StoreResult): string {
  const version = s.server ? ` ${s.server.requestedVersion}` : '';
  return `${s.store}${s.profile === 'dify' ? '' : `:${s.profile}`}${version}`;
}

/**
 * A server's command line without this machine's paths (the private data directory, the install
 * prefix): results files written before they were left out still carry them.
 */
export function publishableCommand(description: string): string {
  return withoutMachinePaths(description);
}
