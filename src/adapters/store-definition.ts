import type { Capabilities, StoreAdapter } from './store-adapter.js';
import type { ServerRecipes } from '../runtime/server-recipes.js';
import type { SelftestProbe } from './selftest-probe.js';
import type { FidelityRow } from './fidelity.js';

/**
 * A profile is one way of configuring a store: `dify` mirrors what Dify's own vdb code does;
 * other profiles (e.g. Chroma's `native`) measure what the store offers beyond Dify.
 */
export interface StoreProfile {
  readonly description: string;
  readonly capabilities: Capabilities;
  /** Environment the server needs for this profile (e.g. a tokenizer module), added to the recipe's. */
  readonly serverEnv?: Readonly<Record<string, string>>;
  /** A fresh adapter with the profile's config; it connects any number of sessions. */
  createAdapter(): StoreAdapter;
}

/**
 * The search-time breadth a store lets a user set (HNSW ef at query time), which Dify leaves at
 * the store's default. `tuned` profiles set it to a measured value; scripts/measure-search-knob.ts
 * sweeps it.
 */
export interface SearchKnob {
  /** The store's name for it, e.g. `hnsw.ef_search`. */
  readonly name: string;
  /** What it is under Dify (the store's default), for the notes. */
  readonly difyValue: string;
  /** The store's `dify` profile with the knob at `value`. */
  readonly profileWith: (value: number) => StoreProfile;
}

/**
 * Everything the harness knows about one store. One file per store registers one of these. Its
 * `name`, `local` and `docker` (ServerRecipes) are what the runtimes read.
 */
export interface StoreDefinition extends ServerRecipes {
  /** Dify's VECTOR_STORE name. */
  readonly name: string;
  /** Other VECTOR_STORE names Dify uses for the same server (e.g. `seekdb` for OceanBase's lite build). */
  readonly aliases?: readonly string[];
  readonly description: string;
  /** The profile used when the user names only the store. */
  readonly defaultProfile: string;
  readonly profiles: Readonly<Record<string, StoreProfile>>;
  /** `bench selftest`: a reference client and server-side timing; absent where none is built. */
  readonly selftest?: SelftestProbe;
  /** How the `dify` profile follows Dify's code, aspect by aspect (`bench stores`, the README). */
  readonly fidelity: readonly FidelityRow[];
  readonly searchKnob?: SearchKnob;
}
