import type { StoreDefinition } from '../adapters/store-definition.js';
import { startDockerServer } from './docker/docker-runtime.js';
import { startLocalServer } from './local-runtime.js';
import type { RunningServer } from './running-server.js';

export const RUNTIMES = ['local', 'docker'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export interface StartOptions {
  readonly runtime: RuntimeName;
  readonly version: string;
  readonly memoryLimitBytes?: number;
  /** The profile's server environment (StoreProfile.serverEnv). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Versions a store's recipe for `runtime` can run, default first; empty when it has none. */
export function runtimeVersions(definition: StoreDefinition, runtime: RuntimeName): string[] {
  if (runtime === 'docker') {
    const docker = definition.docker;
    if (!docker) return [];
    return [docker.defaultVersion, ...Object.keys(docker.images).filter((v) => v !== docker.defaultVersion)];
  }
  const local = definition.local;
  return local ? [local.defaultVersion, ...local.versions.filter((v) => v !== local.defaultVersion)] : [];
}

/** The version a run uses for a store: the user's choice, else the runtime recipe's default. */
export function chosenVersion(
  definition: StoreDefinition,
  runtime: RuntimeName,
  versions: ReadonlyMap<string, string>,
): string {
  return versions.get(definition.name) ?? runtimeVersions(definition, runtime)[0] ?? 'unknown';
}

/** Starts a store's server with the chosen runtime; the store must have a recipe for it. */
export function startServer(definition: StoreDefinition, o: StartOptions): Promise<RunningServer> {
  const limit = o.memoryLimitBytes !== undefined ? { memoryLimitBytes: o.memoryLimitBytes } : {};
  if (o.runtime === 'docker') {
    if (!definition.docker) return Promise.reject(new Error(`${definition.name} has no docker runtime recipe`));
    if (o.env) return Promise.reject(new Error(`${definition.name}: a profile's server environment needs --runtime local`));
    return startDockerServer(definition.name, definition.docker, { version: o.version, ...limit });
  }
  if (!definition.local) return Promise.reject(new Error(`${definition.name} has no local runtime recipe`));
  return startLocalServer(definition.name, definition.local, { version: o.version, ...limit, ...(o.env ? { env: o.env } : {}) });
}
