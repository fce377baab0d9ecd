import type { StoreDefinition, StoreProfile } from './store-definition.js';
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

/** A store's profile by name; the name comes from selectStores, so a miss is a programming error. */
export function profileOf(definition: StoreDefinition, profile: string): StoreProfile {
  const found = definition.profiles[profile];
  if (!found) throw new Error(`${definition.name}: unknown profile ${profile}`);
  return found;
}

/** Parses `--stores`; errors name the flag and list what is known. */
export function selectStores(list: string, stores: readonly StoreDefinition[] = STORES): StoreSelection[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error(`--stores is empty; known stores: ${knownNames(stores)}`);
  return names.map((entry) => {
    const [name = '', profile] = entry.split(':');
    const definition = findStore(name, stores);
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
    const definition = findStore(name, stores);
    if (!definition || !version) {
      throw new Error(`--store-version: "${entry}" is not store=version; known stores: ${knownNames(stores)}`);
    }
    const versions = known(definition);
    if (!versions.includes(version)) {
      throw new Error(`--store-version: ${name} has no version ${version}; known: ${versions.join(', ') || 'none'}`);
    }
    chosen.set(definition.name, version);
  }
  return chosen;
}

/** Parses `--image pgvector=my/pgvector:pg16,...`; only the docker runtime runs images. */
export function parseImages(
  spec: string | undefined,
  runtime: string,
  stores: readonly StoreDefinition[] = STORES,
): Map<string, string> {
  const images = new Map<string, string>();
  for (const entry of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    const image = entry.slice(at + 1);
    const definition = findStore(name, stores);
    if (at < 0 || !definition || !image) {
      throw new Error(`--image: "${entry}" is not store=image; known stores: ${knownNames(stores)}`);
    }
    if (runtime !== 'docker') throw new Error('--image needs --runtime docker');
    if (!definition.docker) throw new Error(`--image: ${name} has no docker recipe to run an image with`);
    images.set(definition.name, image);
  }
  return images;
}

/**
 * Parses `--memory-limit`: a size for every store ("1g", kept under '*') or per store
 * ("chroma=512m,pgvector=1g"); `size` parses one size and names the flag in its errors.
 */
export function parseMemoryLimits(
  spec: string | undefined,
  size: (text: string) => number,
  stores: readonly StoreDefinition[] = STORES,
): Map<string, number> {
  const limits = new Map<string, number>();
  for (const entry of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    if (at < 0) {
      limits.set('*', size(entry));
      continue;
    }
    const definition = findStore(entry.slice(0, at), stores);
    if (!definition) throw new Error(`--memory-limit: unknown store "${entry.slice(0, at)}"; known stores: ${knownNames(stores)}`);
    limits.set(definition.name, size(entry.slice(at + 1)));
  }
  return limits;
}

/** A store by its name or one of its aliases. */
function findStore(name: string, stores: readonly StoreDefinition[]): StoreDefinition | undefined {
  return stores.find((s) => s.name === name || s.aliases?.includes(name));
}

function knownNames(stores: readonly StoreDefinition[]): string {
  return stores.map((s) => s.name).join(', ');
}
