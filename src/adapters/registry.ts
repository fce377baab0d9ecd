import type { StoreDefinition, StoreProfile } from './store-definition.js';
import { chromaStore } from './chroma/index.js';
import { oceanbaseStore } from './oceanbase/index.js';
import { pgvectorStore } from './pgvector/index.js';
import { qdrantStore } from './qdrant/index.js';
import { weaviateStore } from './weaviate/index.js';

/** Every store the harness knows. Adding a store means adding its folder and one line here. */
export const STORES: readonly StoreDefinition[] = [chromaStore, pgvectorStore, oceanbaseStore, weaviateStore, qdrantStore];

/** A store in one of its profiles: what every command and test runs. */
export interface StoreSelection {
  readonly definition: StoreDefinition;
  readonly profileName: string;
  readonly profile: StoreProfile;
}

/**
 * The one way to look up a profile: `profileName` undefined means the store's default. Errors
 * name `what` (a flag, a test) and list the store's profiles.
 */
export function selectProfile(definition: StoreDefinition, profileName?: string, what = '--stores'): StoreSelection {
  const name = profileName ?? definition.defaultProfile;
  const profile = definition.profiles[name];
  if (!profile) {
    throw new Error(
      `${what}: ${definition.name} has no profile "${name}"; its profiles: ${Object.keys(definition.profiles).join(', ')}`,
    );
  }
  return { definition, profileName: name, profile };
}

/** Every profile of every registered store: what the adapter contract suite runs. */
export function allProfiles(stores: readonly StoreDefinition[] = STORES): StoreSelection[] {
  return stores.flatMap((d) => Object.keys(d.profiles).map((p) => selectProfile(d, p)));
}

/** Looks up `chroma`, `chroma:native`, `seekdb` (an alias), ...; errors name `--stores`. */
export function selectStores(list: string, stores: readonly StoreDefinition[] = STORES): StoreSelection[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error(`--stores is empty; known stores: ${knownNames(stores)}`);
  return names.map((entry) => {
    const [name = '', profile] = entry.split(':');
    const definition = findStore(name, stores);
    if (!definition) throw new Error(`--stores: unknown store "${name}"; known stores: ${knownNames(stores)}`);
    return selectProfile(definition, profile);
  });
}

/** A store by its name or one of its aliases. */
export function findStore(name: string, stores: readonly StoreDefinition[] = STORES): StoreDefinition | undefined {
  return stores.find((s) => s.name === name || s.aliases?.includes(name));
}

export function knownNames(stores: readonly StoreDefinition[] = STORES): string {
  return stores.map((s) => s.name).join(', ');
}
