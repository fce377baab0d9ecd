import { startDockerServer } from './docker/docker-runtime.js';
import { startLocalServer } from './local-runtime.js';
import { startExternalServer } from './external/external-runtime.js';
import type { RunningServer } from './running-server.js';
import type { ServerRecipes } from './server-recipes.js';

export const RUNTIMES = ['local', 'docker', 'external'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export interface StartOptions {
  readonly runtime: RuntimeName;
  readonly version: string;
  readonly memoryLimitBytes?: number;
  /** The profile's server environment (a store profile's serverEnv). */
  readonly env?: Readonly<Record<string, string>>;
  /** docker runtime: run this image instead of the recipe's. */
  readonly image?: string;
}

/** Where and how a run starts its servers; the same for every store of the run. */
export interface ServerPlan {
  readonly runtime: RuntimeName;
  /** Store name → version (`--store-version`); others run their recipe's default. */
  readonly versions: ReadonlyMap<string, string>;
  /** Store name → image (`--image`, docker runtime only); others run the recipe's image. */
  readonly images: ReadonlyMap<string, string>;
  /** Store name → memory limit (`--memory-limit`); '*' applies to every store not named. */
  readonly memoryLimits: ReadonlyMap<string, number>;
  /** Store name → URL of a server already running elsewhere (`--endpoint`, external runtime only). */
  readonly endpoints?: ReadonlyMap<string, string>;
}

/** What `requestedVersion` says for a server the harness did not choose: whatever is deployed there. */
export const EXTERNAL_VERSION = 'deployed';

export interface StoreServer {
  readonly version: string;
  /** Starts a fresh server; `memoryLimitBytes` overrides the plan's (bench memory's probes). */
  start(memoryLimitBytes?: number): Promise<RunningServer>;
}

/**
 * How one store is started under a plan; `serverEnv` is what its chosen profile adds to the
 * server's environment (a tokenizer module, say).
 */
export function storeServer(
  plan: ServerPlan,
  definition: ServerRecipes,
  serverEnv?: Readonly<Record<string, string>>,
): StoreServer {
  const version = chosenVersion(definition, plan.runtime, plan.versions);
  const image = plan.images.get(definition.name);
  const planned = plan.memoryLimits.get(definition.name) ?? plan.memoryLimits.get('*');
  if (plan.runtime === 'external') return externalServer(plan, definition, planned);
  return {
    version,
    start: (limit = planned) =>
      startServer(definition, {
        runtime: plan.runtime,
        version,
        ...(limit !== undefined ? { memoryLimitBytes: limit } : {}),
        ...(serverEnv ? { env: serverEnv } : {}),
        ...(image !== undefined ? { image } : {}),
      }),
  };
}

/** A server elsewhere: no version, image or memory limit can be chosen for it. */
function externalServer(plan: ServerPlan, definition: ServerRecipes, limit: number | undefined): StoreServer {
  return {
    version: EXTERNAL_VERSION,
    start: (memoryLimitBytes = limit) => {
      const spec = plan.endpoints?.get(definition.name);
      if (!definition.external) return Promise.reject(new Error(`${definition.name} has no external runtime recipe`));
      if (spec === undefined) return Promise.reject(new Error(`--endpoint: no URL for ${definition.name}`));
      if (memoryLimitBytes !== undefined) {
        return Promise.reject(new Error(`${definition.name}: a memory limit cannot be set on an external server`));
      }
      return startExternalServer(definition.name, definition.external, spec);
    },
  };
}

/** Versions a store's recipe for `runtime` can run, default first; empty when it has none. */
export function runtimeVersions(definition: ServerRecipes, runtime: RuntimeName): string[] {
  if (runtime === 'external') return [];
  if (runtime === 'docker') {
    const docker = definition.docker;
    if (!docker) return [];
    return [docker.defaultVersion, ...Object.keys(docker.images).filter((v) => v !== docker.defaultVersion)];
  }
  const local = definition.local;
  return local ? [local.defaultVersion, ...local.versions.filter((v) => v !== local.defaultVersion)] : [];
}

/** The version a run uses for a store: the user's choice, else the runtime recipe's default. */
function chosenVersion(
  definition: ServerRecipes,
  runtime: RuntimeName,
  versions: ReadonlyMap<string, string>,
): string {
  return versions.get(definition.name) ?? runtimeVersions(definition, runtime)[0] ?? 'unknown';
}

/** Starts a store's server with the chosen runtime (local or docker); the store must have a recipe for it. */
function startServer(definition: ServerRecipes, o: StartOptions): Promise<RunningServer> {
  if (o.runtime === 'external') return Promise.reject(new Error('an external server is reached, not started (externalServer)'));
  const limit = o.memoryLimitBytes !== undefined ? { memoryLimitBytes: o.memoryLimitBytes } : {};
  if (o.runtime === 'docker') {
    if (!definition.docker) return Promise.reject(new Error(`${definition.name} has no docker runtime recipe`));
    if (o.env) return Promise.reject(new Error(`${definition.name}: a profile's server environment needs --runtime local`));
    return startDockerServer(definition.name, definition.docker, {
      version: o.version,
      ...limit,
      ...(o.image !== undefined ? { image: o.image } : {}),
    });
  }
  if (o.image !== undefined) return Promise.reject(new Error(`--image: ${definition.name} runs an image only with --runtime docker`));
  if (!definition.local) return Promise.reject(new Error(`${definition.name} has no local runtime recipe`));
  return startLocalServer(definition.name, definition.local, { version: o.version, ...limit, ...(o.env ? { env: o.env } : {}) });
}
