import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Endpoint } from '../../runtime/endpoint.js';
import { onInterruptStop } from '../../runtime/cleanup.js';
import { CallTimeoutError } from '../call-timeout.js';
import { WORKER_SECRET_ENV, fromWorker, type FromWorker, type SetupMessage, type ToWorker, type WireEndpoint } from './worker-messages.js';

/** How long a worker may take to read the dataset and connect before the run gives up on it. */
const SETUP_TIMEOUT_MS = 300_000;
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * N search worker processes (search-worker.ts), each with its own session to the server. The
 * parent sends every worker the same message and waits for all answers, so the workers run each
 * workload (and each concurrency level) together. A worker that exits or answers with an error
 * fails the call; close() ends them all, and Ctrl-C does too.
 */
export class SearchWorkerPool {
  private constructor(
    private readonly children: readonly ChildProcess[],
    private readonly forget: () => void,
  ) {}

  get size(): number {
    return this.children.length;
  }

  static async open(count: number, setup: Omit<SetupMessage, 'type' | 'shard' | 'endpoint'> & { endpoint: Endpoint }): Promise<SearchWorkerPool> {
    const { file, execArgv } = workerEntry();
    const secret = setup.endpoint.access?.secret;
    const children = Array.from({ length: count }, () =>
      fork(file, [], {
        execArgv,
        env: { ...process.env, ...(secret ? { [WORKER_SECRET_ENV]: secret.reveal() } : {}) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const stopAll = async (): Promise<void> => {
      for (const child of children) child.kill('SIGKILL');
    };
    const pool = new SearchWorkerPool(children, onInterruptStop(stopAll));
    try {
      await pool.each((index) => ({ ...setup, type: 'setup', endpoint: wire(setup.endpoint), shard: { index, count } }), 'ready', SETUP_TIMEOUT_MS);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Sends every worker its message and resolves with their answers, in worker order. */
  async each<T extends FromWorker['type']>(
    message: (worker: number) => ToWorker,
    expect: T,
    timeoutMs?: number,
  ): Promise<Extract<FromWorker, { type: T }>[]> {
    return Promise.all(this.children.map((child, w) => ask(child, w, message(w), expect, timeoutMs)));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (child.connected) child.send({ type: 'close' } satisfies ToWorker);
            else child.kill('SIGKILL');
          }),
      ),
    );
    this.forget();
  }
}

function ask<T extends FromWorker['type']>(
  child: ChildProcess,
  worker: number,
  message: ToWorker,
  expect: T,
  timeoutMs: number | undefined,
): Promise<Extract<FromWorker, { type: T }>> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (timer) clearTimeout(timer);
    };
    const onMessage = (raw: unknown): void => {
      done();
      const parsed = fromWorker.safeParse(raw);
      if (!parsed.success) return reject(new Error(`worker ${worker}: unreadable answer`));
      const answer = parsed.data;
      if (answer.type === 'error') {
        // A hung server, seen from a worker: the same error the run's own timeout gives (run-store.ts).
        if (answer.timeout) return reject(new CallTimeoutError(answer.timeout.seconds, answer.timeout.phase));
        return reject(new Error(`worker ${worker}: ${answer.message}`));
      }
      if (answer.type !== expect) return reject(new Error(`worker ${worker}: answered ${answer.type}, expected ${expect}`));
      resolve(answer as Extract<FromWorker, { type: T }>);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      done();
      reject(new Error(`worker ${worker} exited (code ${code}, signal ${signal})`));
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      done();
      reject(new Error(`worker ${worker}: no answer after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/** The endpoint as a message carries it: the secret stays behind (it goes in the child's env). */
function wire(endpoint: Endpoint): WireEndpoint {
  const { access } = endpoint;
  if (!access) return { host: endpoint.host, ports: { ...endpoint.ports } };
  const { secret, ...rest } = access;
  return { host: endpoint.host, ports: { ...endpoint.ports }, access: { ...rest, hasSecret: secret !== undefined } };
}

/** search-worker.js, or search-worker.ts run through tsx when the harness runs from source. */
function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { file: join(dirname(here), 'search-worker.js'), execArgv: [] };
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return { file: join(dirname(here), 'search-worker.ts'), execArgv: ['--import', pathToFileURL(join(tsx, 'dist', 'loader.mjs')).href] };
}
