import type { Endpoint } from './endpoint.js';
import type { MemoryProbe } from './memory-probe.js';
import type { RunningServer, ServerExit } from './running-server.js';
import type { ServerLog } from './server-log.js';
import { ServerStartError } from './server-start-error.js';
import { interruptSignal } from './cleanup.js';

/**
 * What a runtime hands the shared start path once its process or container runs: how to read
 * and stop it. The runtime decides how to start, stop and read memory; everything after (the
 * wait until ready, the failure message, the RunningServer) is the same for every runtime.
 */
export interface LaunchedServer {
  readonly runtime: RunningServer['runtime'];
  readonly endpoint: Endpoint;
  /** `command` (a process) or `container`: the word failure messages use before `description`. */
  readonly kind: 'command' | 'container';
  readonly description: string;
  readonly memory: MemoryProbe | undefined;
  readonly facts: RunningServer['facts'];
  readonly log: ServerLog;
  /** The last log lines for a failure; defaults to the in-memory tail. */
  lastLines?(n: number): Promise<string[]>;
  exit(): ServerExit | undefined;
  dataBytes(): Promise<number | undefined>;
  oomKills(): Promise<number | undefined>;
  /** Stops it and releases everything it holds; safe to call twice. */
  stop(): Promise<void>;
}

/** How a recipe says its server is up. */
export interface Readiness {
  isReady(endpoint: Endpoint): Promise<boolean>;
  readonly startTimeoutSeconds: number;
}

const POLL_MS = 250;
const FAILURE_LINES = 15;

/**
 * Polls the recipe's readiness check until it answers, the server exits, or the deadline
 * passes. On failure the server is stopped and a ServerStartError names the store, how it ended,
 * what ran, the log file and the last log lines.
 */
export async function awaitReady(store: string, server: LaunchedServer, readiness: Readiness): Promise<RunningServer> {
  const deadline = Date.now() + readiness.startTimeoutSeconds * 1000;
  for (;;) {
    const exit = server.exit();
    if (exit) {
      throw await failed(store, server, `server exited during start (${describeExit(exit)})`, exit);
    }
    // Interrupted: the server is being stopped, which is not an exit of its own; stop waiting.
    const signal = interruptSignal();
    if (signal) throw await failed(store, server, `not started, the run was interrupted (${signal})`);
    if (await readiness.isReady(server.endpoint).catch(() => false)) break;
    if (Date.now() > deadline) {
      throw await failed(store, server, `not ready after ${readiness.startTimeoutSeconds} s`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    runtime: server.runtime,
    endpoint: server.endpoint,
    memory: server.memory,
    description: server.description,
    facts: server.facts,
    dataBytes: () => server.dataBytes(),
    logTail: (n = 20) => server.log.tail.lines(n),
    exit: () => server.exit(),
    oomKills: () => server.oomKills(),
    stop: () => server.stop(),
  };
}

function describeExit(exit: ServerExit): string {
  return `code ${exit.code}, signal ${exit.signal}${exit.oomKilled ? ', OOM-killed' : ''}`;
}

async function failed(store: string, server: LaunchedServer, what: string, exit?: ServerExit): Promise<ServerStartError> {
  const tail = server.log.tail;
  const lines = server.lastLines
    ? await server.lastLines(FAILURE_LINES).catch(() => tail.lines(FAILURE_LINES))
    : tail.lines(FAILURE_LINES);
  await server.stop();
  return new ServerStartError(
    `${store}: ${what}\n  ${server.kind}: ${server.description}\n  log: ${server.log.file}\n` +
      `  last lines:\n    ${lines.join('\n    ')}`,
    exit,
  );
}

/** The same refusal from every runtime: the version has no recipe (or image) here. */
export function unknownVersion(store: string, runtime: string, version: string, known: readonly string[]): ServerStartError {
  return new ServerStartError(`${store}: no ${runtime} recipe for version ${version}; known: ${known.join(', ')}`);
}
