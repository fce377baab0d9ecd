import { STORES, findStore, knownNames } from '../adapters/registry.js';
import type { StoreDefinition } from '../adapters/store-definition.js';

/**
 * The per-store flags of the measuring commands. Each entry is `store=value` (a store's name or
 * alias); errors name the flag and list the known stores.
 */

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
  for (const entry of entries(spec)) {
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
  for (const entry of entries(spec)) {
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
  for (const entry of entries(spec)) {
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

function entries(spec: string | undefined): string[] {
  return (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
