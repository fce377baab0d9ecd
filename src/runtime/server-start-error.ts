import type { ServerExit } from './running-server.js';

/** Raised by any runtime when a server does not come up; carries its command and last log lines. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    /** How the server ended, if it exited (an OOM kill under a limit shows here). */
    readonly exit?: ServerExit,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}
