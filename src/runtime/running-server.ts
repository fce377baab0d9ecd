import { ServerStartError } from './server-start-error.js';
import type { Endpoint } from './endpoint.js';
import type { MemoryProbe } from './memory-probe.js';

/** How a server ended on its own, if it did (a crash or an OOM kill during a run). */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly oomKilled: boolean;
}

/** A store server some runtime started (or found), as the bench sees it. */
export interface RunningServer {
  readonly runtime: 'local' | 'docker' | 'external';
  readonly endpoint: Endpoint;
  /** Absent when the runtime cannot see the server's memory (an external URL). */
  readonly memory: MemoryProbe | undefined;
  /** Why memory is not sampled, when `memory` is absent for a reason worth reporting (an external server without metrics). */
  readonly memoryNotVisible?: string;
  /** The command or image that runs the server, for results and error messages. */
  readonly description: string;
  /** Facts about how it runs, recorded with the store's settings (image size, data location). */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
  /** Bytes of the server's data directory on disk, if the runtime knows where it is. */
  dataBytes(): Promise<number | undefined>;
  logTail(lines?: number): string[];
  exit(): ServerExit | undefined;
  /**
   * Processes the kernel OOM-killed inside the server so far, while the server itself may live on
   * (PostgreSQL loses a backend and carries on); undefined where the runtime cannot tell.
   */
  oomKills(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/**
 * After a failed call, the exit status of a crashed or OOM-killed server reaches the runtime a
 * moment after the client saw its connection drop; wait up to 1 s for it before judging.
 */
export async function exitAfterError(server: RunningServer | undefined): Promise<ServerExit | undefined> {
  for (let i = 0; i < 10 && server && !server.exit(); i++) await new Promise((r) => setTimeout(r, 100));
  return server?.exit();
}

/**
 * Why a call to the server failed, as seen from the server's side: it was OOM-killed or exited,
 * or the kernel OOM-killed a process inside it that it survived. Undefined when the server looks
 * fine (the error is the answer). A server that never came up says how it ended in its
 * ServerStartError.
 */
export async function serverSideCause(server: RunningServer | undefined, error: unknown): Promise<string | undefined> {
  const exit = (await exitAfterError(server)) ?? (error instanceof ServerStartError ? error.exit : undefined);
  if (exit?.oomKilled) return 'OOM-killed';
  if (exit) return `server exited (code ${exit.code}, signal ${exit.signal})`;
  const kills = (await server?.oomKills()) ?? 0;
  if (kills > 0) return `${kills} process${kills > 1 ? 'es' : ''} inside the server OOM-killed (the server lived on)`;
  return undefined;
}

/** The error's message, prefixed with the server-side cause when there is one. */
export async function describeFailure(server: RunningServer | undefined, error: unknown): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  const cause = await serverSideCause(server, error);
  return cause ? `${cause}: ${message}` : message;
}
