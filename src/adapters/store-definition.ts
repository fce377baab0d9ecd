import type { Capabilities, StoreAdapter } from './store-adapter.js';
import type { LocalRecipe } from '../runtime/local-recipe.js';
import type { DockerRecipe } from '../runtime/docker-recipe.js';

/**
 * A profile is one way of configuring a store: `dify` mirrors what Dify's own vdb code does;
 * other profiles (e.g. Chroma's `native`) measure what the store offers beyond Dify.
 */
export interface StoreProfile {
  readonly description: string;
  readonly capabilities: Capabilities;
  /** Environment the server needs for this profile (e.g. a tokenizer module), added to the recipe's. */
  readonly serverEnv?: Readonly<Record<string, string>>;
  createAdapter(): StoreAdapter;
}

/** Everything the harness knows about one store. One file per store registers one of these. */
export interface StoreDefinition {
  /** Dify's VECTOR_STORE name. */
  readonly name: string;
  /** Other VECTOR_STORE names Dify uses for the same server (e.g. `seekdb` for OceanBase's lite build). */
  readonly aliases?: readonly string[];
  readonly description: string;
  /** The profile used when the user names only the store. */
  readonly defaultProfile: string;
  readonly profiles: Readonly<Record<string, StoreProfile>>;
  /** How to run a real server on this machine without Docker; absent if it cannot be. */
  readonly local?: LocalRecipe;
  /** How to run it as a container (`--runtime docker`); absent if no image is built for it. */
  readonly docker?: DockerRecipe;
}
