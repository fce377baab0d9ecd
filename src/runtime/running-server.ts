import type { Endpoint } from '../adapters/store-adapter.js';
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
  /** The command or image that runs the server, for results and error messages. */
  readonly description: string;
  /** Facts about how it runs, recorded with the store's settings (image size, data location). */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
  /** Bytes of the server's data directory on disk, if the runtime knows where it is. */
  dataBytes(): Promise<number | undefined>;
  logTail(lines?: number): string[];
  exit(): ServerExit | undefined;
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
