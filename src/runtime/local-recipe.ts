import type { Endpoint } from './endpoint.js';

/** What a recipe is told when the local runtime prepares and starts its server. */
export interface LocalContext {
  /** A fresh private directory for this server's data; removed after the run. */
  readonly dataDir: string;
  /** Free 127.0.0.1 ports, one per name in `LocalRecipe.ports`. */
  readonly ports: Readonly<Record<string, number>>;
  /** The store version the user chose (or the recipe's default). */
  readonly version: string;
}

export interface LocalCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this system user (PostgreSQL refuses to run as root). */
  readonly user?: string;
}

/** How to run one store as a local child process from packages the project's scripts installed. */
export interface LocalRecipe {
  /** Named ports the server needs, e.g. ["http"] or ["http", "grpc"]. */
  readonly ports: readonly string[];
  readonly defaultVersion: string;
  readonly versions: readonly string[];
  /**
   * The versions `npm run setup -- --tests` installs (what CI builds and the tests need); the
   * others install on demand (`npm run setup -- store@version`). Absent: every version.
   */
  readonly testVersions?: readonly string[];
  /** The script that installs what `command` needs; named in errors when it is missing. */
  readonly installScript: string;
  /**
   * The install is one long build that leaves cores idle (Qdrant's cargo build: ~27 min cold,
   * about 1.3 of 2 cores busy): `npm run setup` starts it first, in the background, and runs the
   * other installs beside it at a lower priority.
   */
  readonly installRunsLong?: boolean;
  /**
   * One-time preparation of dataDir before the first start (initdb, config files). `run` runs a
   * command to completion as the recipe's user, failing with its output if it exits non-zero.
   */
  /** Throws, naming what is missing and the install script, when `version` is not installed. */
  checkInstalled?(version: string): Promise<void>;
  prepare?(ctx: LocalContext, run: (cmd: LocalCommand) => Promise<void>): Promise<void>;
  command(ctx: LocalContext): LocalCommand;
  /** True once the server answers; called repeatedly until a deadline. */
  isReady(endpoint: Endpoint): Promise<boolean>;
  /** Seconds to wait for readiness before giving up. */
  readonly startTimeoutSeconds: number;
  /**
   * The signal that stops the server promptly and cleanly (default SIGTERM); SIGKILL follows
   * after 15 s. PostgreSQL needs SIGINT: its SIGTERM waits for every client to disconnect.
   */
  readonly stopSignal?: NodeJS.Signals;
}
