import { request, type IncomingMessage } from 'node:http';

/** The engine's socket: DOCKER_HOST when it names a unix socket, else Docker's default. */
export function dockerSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/** No engine answers on the socket (not installed, not started, or no permission). */
export class DockerUnavailableError extends Error {
  constructor(socketPath: string, cause: string) {
    super(`no Docker engine at ${socketPath}: run scripts/install-docker.sh or use --runtime local (${cause})`);
    this.name = 'DockerUnavailableError';
  }
}

/** The engine answered with an error status; `message` is the engine's own. */
export class DockerApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DockerApiError';
  }
}

export interface EngineResponse {
  readonly status: number;
  readonly body: Buffer;
}

export interface StreamOptions {
  /** Let the process exit while this stream is open (log follows, waits). */
  readonly unref?: boolean;
}

/**
 * A minimal Docker Engine API client over the unix socket with node:http: no dependency, and
 * the same JSON the docker CLI reads. Paths are unversioned, so the engine speaks its own API
 * version (Debian bookworm's docker.io 20.10 speaks 1.41, which has one-shot stats).
 */
export class DockerEngine {
  constructor(readonly socketPath: string = dockerSocketPath()) {}

  /** One request, whole body buffered; rejects after `timeoutMs`. */
  async call(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<EngineResponse> {
    const chunks: Buffer[] = [];
    const status = await this.open(method, path, body, (res) => res.on('data', (c: Buffer) => chunks.push(c)), {
      timeoutMs,
    });
    return { status, body: Buffer.concat(chunks) };
  }

  /** A request whose JSON answer is returned; an error status throws with the engine's message. */
  async json<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const res = await this.call(method, path, body, timeoutMs);
    if (res.status >= 400) throw apiError(method, path, res);
    return (res.body.length ? JSON.parse(res.body.toString('utf8')) : undefined) as T;
  }

  /** A request whose answer does not matter beyond its status. */
  async send(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<void> {
    const res = await this.call(method, path, body, timeoutMs);
    if (res.status >= 400) throw apiError(method, path, res);
  }

  /**
   * A long request (log follow, wait, exec output): `onData` gets each chunk; resolves with the
   * status when the engine ends the answer. An error status rejects with the engine's message.
   */
  async stream(
    method: string,
    path: string,
    onData: (chunk: Buffer) => void,
    body?: unknown,
    options: StreamOptions = {},
  ): Promise<number> {
    const errorBody: Buffer[] = [];
    const status = await this.open(
      method,
      path,
      body,
      (res) => res.on('data', (c: Buffer) => ((res.statusCode ?? 0) >= 400 ? errorBody.push(c) : onData(c))),
      { unref: options.unref === true },
    );
    if (status >= 400) throw apiError(method, path, { status, body: Buffer.concat(errorBody) });
    return status;
  }

  private open(
    method: string,
    path: string,
    body: unknown,
    onResponse: (res: IncomingMessage) => void,
    o: { timeoutMs?: number; unref?: boolean },
  ): Promise<number> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          path,
          method,
          // No keep-alive pool: every request has its own connection, none outlives its answer.
          agent: false,
          headers: {
            Host: 'docker',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          },
        },
        (res) => {
          onResponse(res);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('aborted', () => reject(new Error(`docker ${method} ${path}: connection closed by the engine`)));
          res.on('error', reject);
        },
      );
      if (o.unref) req.on('socket', (socket) => socket.unref());
      if (o.timeoutMs !== undefined) {
        req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`docker ${method} ${path}: no answer in ${o.timeoutMs} ms`)));
      }
      req.on('error', (error: NodeJS.ErrnoException) => {
        const unreachable = ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK'].includes(error.code ?? '');
        reject(unreachable ? new DockerUnavailableError(this.socketPath, error.code ?? error.message) : error);
      });
      req.end(payload);
    });
  }
}

function apiError(method: string, path: string, res: EngineResponse): DockerApiError {
  let message = res.body.toString('utf8').trim();
  try {
    message = (JSON.parse(message) as { message?: string }).message ?? message;
  } catch {
    // Not JSON: keep the text.
  }
  return new DockerApiError(`docker ${method} ${path.split('?')[0]}: ${res.status} ${message}`, res.status);
}
