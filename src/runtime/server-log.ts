import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LogTail } from './log-tail.js';

export interface ServerLog {
  readonly tail: LogTail;
  /** Where the whole log is kept after the run; named in failure messages. */
  readonly file: string;
}

/**
 * A server's log: the whole output in `<logDir>/<name>-<time>.log` (logDir defaults to
 * .vdb-bench/logs) and its last lines in memory for error messages.
 */
export async function openServerLog(name: string, logDir?: string): Promise<ServerLog> {
  const dir = logDir ?? join(process.cwd(), '.vdb-bench', 'logs');
  // Not fatal: a log folder that cannot be made (a full disk) fails the log file, which LogTail
  // survives, never the server's start.
  await mkdir(dir, { recursive: true }).catch(() => undefined);
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  return { tail: new LogTail(createWriteStream(file)), file };
}
