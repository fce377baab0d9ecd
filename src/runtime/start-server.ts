import type { StoreDefinition } from '../adapters/store-definition.js';
import { startLocalServer } from './local-runtime.js';
import type { RunningServer } from './running-server.js';

export type RuntimeName = 'local';

export interface StartOptions {
  readonly runtime: RuntimeName;
  readonly version: string;
  readonly memoryLimitBytes?: number;
}

/** The version a run uses for a store: the user's choice, else the recipe's default. */
export function chosenVersion(definition: StoreDefinition, versions: ReadonlyMap<string, string>): string {
  return versions.get(definition.name) ?? definition.local?.defaultVersion ?? 'unknown';
}

/** Starts a store's server with the chosen runtime; the store's recipe for it must exist. */
export function startServer(definition: StoreDefinition, o: StartOptions): Promise<RunningServer> {
  const recipe = definition.local;
  if (!recipe) return Promise.reject(new Error(`${definition.name} has no ${o.runtime} runtime recipe`));
  return startLocalServer(definition.name, recipe, {
    version: o.version,
    ...(o.memoryLimitBytes !== undefined ? { memoryLimitBytes: o.memoryLimitBytes } : {}),
  });
}
