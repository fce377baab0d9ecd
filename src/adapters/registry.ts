import type { StoreDefinition } from './store-definition.js';
import { chromaStore } from './chroma/index.js';
import { oceanbaseStore } from './oceanbase/index.js';
import { pgvectorStore } from './pgvector/index.js';
import { weaviateStore } from './weaviate/index.js';

/** Every store the harness knows. Adding a store means adding its folder and one line here. */
export const STORES: readonly StoreDefinition[] = [chromaStore, pgvectorStore, oceanbaseStore, weaviateStore];

/** A store as the user named it: `chroma` (its default profile) or `chroma:native`. */
export interface StoreSelection {
  readonly definition: StoreDefinition;
  readonly profile: string;
}

/** Parses `--stores`; errors name the flag and list what is known. */
export function selectStores(list: string, stores: readonly StoreDefinition[] = STORES): StoreSelection[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error(`--stores is empty; known stores: ${knownNames(stores)}`);
  return names.map((entry) => {
    const [name = '', profile] = entry.split(':');
    const definition = stores.find((s) => s.name === name);
    if (!definition) throw new Error(`--stores: unknown store "${name}"; known stores: ${knownNames(stores)}`);
    const chosen = profile ?? definition.defaultProfile;
    if (!definition.profiles[chosen]) {
      throw new Error(
        `--stores: ${name} has no profile "${chosen}"; its profiles: ${Object.keys(definition.profiles).join(', ')}`,
      );
    }
    return { definition, profile: chosen };
  });
}

/**
 * Parses `--store-version chroma=1.0.0,pgvector=0.8.0` into a map, each checked against
 * `known(store)`: the versions the chosen runtime's recipe can run.
 */
export function parseVersions(
  spec: string | undefined,
  known: (store: StoreDefinition) => readonly string[],
  stores: readonly StoreDefinition[] = STORES,
): Map<string, string> {
  const chosen = new Map<string, string>();
  for (const entry of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name = '', version] = entry.split('=');
    const definition = stores.find((s) => s.name === name);
    if (!definition || !version) {
      throw new Error(`--store-version: "${entry}" is not store=version; known stores: ${knownNames(stores)}`);
    }
    const versions = known(definition);
    if (!versions.includes(version)) {
      throw new Error(`--store-version: ${name} has no version ${version}; known: ${versions.join(', ') || 'none'}`);
    }
    chosen.set(name, version);
  }
  return chosen;
}

function knownNames(stores: readonly StoreDefinition[]): string {
  return stores.map((s) => s.name).join(', ');
}
