import type { Endpoint } from './endpoint.js';

/** What a recipe is told when the docker runtime starts its container. */
export interface DockerContext {
  /**
   * Free 127.0.0.1 ports, one per name in `DockerRecipe.ports`. Containers share the host's
   * network (`--network host`), so the server must listen on exactly these, on 127.0.0.1.
   */
  readonly ports: Readonly<Record<string, number>>;
  /** The store version the user chose (or the recipe's default). */
  readonly version: string;
  /** Where the server keeps its data inside the container (`DockerRecipe.dataDir.path`). */
  readonly dataDir: string;
}

/** The container's process: arguments after the image's entrypoint, plus environment. */
export interface DockerCommand {
  readonly args: readonly string[];
  /** Replaces the image's entrypoint when given. */
  readonly entrypoint?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Where the server's data lives, said explicitly because it changes what is measured: a
 * `volume` (an anonymous Docker volume on the host's disk, removed with the container) keeps data
 * out of the container's memory, as Dify's compose does with its bind mounts; a `tmpfs` is
 * memory and counts in the container's memory figure.
 */
export type DockerDataDir =
  | { readonly kind: 'volume'; readonly path: string }
  | { readonly kind: 'tmpfs'; readonly path: string; readonly sizeBytes?: number };

/** How to run one store as a container from an image scripts/build-images.sh built locally. */
export interface DockerRecipe {
  /** Named ports the server needs, e.g. ["http"] or ["postgres"]. */
  readonly ports: readonly string[];
  /**
   * The number each named port has in the server's own default configuration (PostgreSQL 5432,
   * Chroma 8000): the example ports of `bench compose`. The runtime itself always picks free ports.
   */
  readonly defaultPorts?: Readonly<Record<string, number>>;
  readonly defaultVersion: string;
  /** The image for each version this recipe runs, e.g. { '0.5.20': 'vdb-bench/chroma:0.5.20-local' }. */
  readonly images: Readonly<Record<string, string>>;
  /**
   * The image Dify's docker-compose runs (e.g. `ghcr.io/chroma-core/chroma:0.5.20`), for documentation and
   * results only: it is never pulled, and its entrypoint may differ from the local build's.
   */
  readonly upstreamImage: string;
  /** The command that builds `images`; named in errors when an image is missing. */
  readonly buildScript: string;
  readonly dataDir: DockerDataDir;
  /** Run as this user inside the container; the image's USER when absent. */
  readonly user?: string;
  command(ctx: DockerContext): DockerCommand;
  /** True once the server answers; called repeatedly until a deadline. */
  isReady(endpoint: Endpoint): Promise<boolean>;
  /** Seconds to wait for readiness before giving up. */
  readonly startTimeoutSeconds: number;
}
