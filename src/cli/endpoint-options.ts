import { STORES, findStore, knownNames } from '../adapters/registry.js';
import type { StoreDefinition } from '../adapters/store-definition.js';
import { parseExternalUrl } from '../runtime/external/external-url.js';

/**
 * Parses `--endpoint weaviate=http://host:8080,pgvector=postgres://user@host:5432/db` into store
 * → URL, each URL checked against the store's external recipe (scheme, no password, known
 * parameters) so bad input stops the run before anything starts. Only `--runtime external` takes
 * it, and that runtime needs a URL for every store it runs. Errors name the flag and the store,
 * never the URL as given (it might hold a password).
 */
export function parseEndpoints(
  spec: string | undefined,
  runtime: string,
  stores: readonly StoreDefinition[] = STORES,
): Map<string, string> {
  const endpoints = new Map<string, string>();
  if (spec === undefined) return endpoints;
  if (runtime !== 'external') throw new Error('--endpoint needs --runtime external');
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const name = at < 0 ? '' : entry.slice(0, at);
    const definition = findStore(name, stores);
    if (!definition) {
      throw new Error(`--endpoint: an entry is not store=URL with a known store; known stores: ${knownNames(stores)}`);
    }
    if (!definition.external) throw new Error(`--endpoint ${definition.name}: the store has no external runtime recipe`);
    if (endpoints.has(definition.name)) throw new Error(`--endpoint ${definition.name}: given twice`);
    const url = entry.slice(at + 1);
    parseExternalUrl(definition.name, definition.external, url);
    endpoints.set(definition.name, url);
  }
  return endpoints;
}

/** Every store the run measures needs a URL under the external runtime. */
export function checkEndpointsCover(storeNames: readonly string[], endpoints: ReadonlyMap<string, string>): void {
  const missing = [...new Set(storeNames)].filter((s) => !endpoints.has(s));
  if (missing.length > 0) {
    throw new Error(`--endpoint: --runtime external needs a URL for ${missing.join(', ')} (e.g. --endpoint ${missing[0]}=<url>)`);
  }
}
