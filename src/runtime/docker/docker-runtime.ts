import { access } from 'node:fs/promises';
import { execFile, spawnSync } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { promisify } from 'node:util';
import type { Endpoint } from '../endpoint.js';
import type { DockerCommand, DockerRecipe } from '../docker-recipe.js';
import type { RunningServer, ServerExit } from '../running-server.js';
import { ServerStartError } from '../server-start-error.js';
import { oomKillCount } from '../cgroup.js';
import { freePorts } from '../free-port.js';
import { onInterruptStop } from '../cleanup.js';
import { openServerLog, type ServerLog } from '../server-log.js';
import { awaitReady, unknownVersion, type LaunchedServer } from '../await-ready.js';
import { DockerEngine, dockerSocketPath } from './docker-engine.js';
import type { EngineInfo } from './docker-api-types.js';
import {
  LABEL,
  OWNER_LABEL,
  STORE_LABEL,
  containerLogs,
  execInContainer,
  inspectContainer,
  inspectImage,
  removeContainer,
  removeLeftovers,
} from './docker-containers.js';
import { DockerStatsMemory } from './docker-stats-memory.js';
import { StreamDemuxer } from './docker-stream.js';

const execFileAsync = promisify(execFile);

export interface DockerStartOptions {
  readonly version?: string;
  /** Overrides the recipe's image for the version (it must accept the recipe's command). */
  readonly image?: string;
  /** `--memory` with `--memory-swap` equal: over the limit the kernel OOM-kills, never swaps. */
  readonly memoryLimitBytes?: number;
  /** Where container logs are kept after the run; defaults to .vdb-bench/logs. */
  readonly logDir?: string;
  /** The engine to use; defaults to the one at DOCKER_HOST or /var/run/docker.sock. */
  readonly engine?: DockerEngine;
}

let started = 0;

/**
 * Starts a store's server as a container on the host's network (`--network host`, the server
 * bound to 127.0.0.1 on free ports), labelled `vdb-bench=1` with this process's pid, and waits
 * until the recipe says it is ready (awaitReady, shared with the local runtime). Memory is read
 * as `docker stats` shows it.
 */
export async function startDockerServer(
  store: string,
  recipe: DockerRecipe,
  options: DockerStartOptions = {},
): Promise<RunningServer> {
  const version = options.version ?? recipe.defaultVersion;
  const image = options.image ?? recipe.images[version];
  if (image === undefined) throw unknownVersion(store, 'docker', version, Object.keys(recipe.images));
  const engine = options.engine ?? new DockerEngine();
  const info = await engine.json<EngineInfo>('GET', '/info', undefined, 10_000);
  await removeLeftovers(engine);
  const imageInfo = await inspectImage(engine, store, image, recipe.buildScript);
  const ports = await freePorts(recipe.ports);
  const log = await openServerLog(`${store}-docker`, options.logDir);
  const launched = await runContainer({
    store,
    recipe,
    engine,
    image,
    imageId: imageInfo.Id,
    endpoint: { host: '127.0.0.1', ports },
    command: recipe.command({ ports, version, dataDir: recipe.dataDir.path }),
    log,
    memoryLimitBytes: options.memoryLimitBytes,
    facts: { image, imageId: imageInfo.Id, imageBytes: imageInfo.Size, dockerServerVersion: info.ServerVersion },
    cgroupVersion: info.CgroupVersion,
  });
  return awaitReady(store, launched, recipe);
}

interface ContainerOptions {
  readonly store: string;
  readonly recipe: DockerRecipe;
  readonly engine: DockerEngine;
  readonly image: string;
  readonly imageId: string;
  readonly endpoint: Endpoint;
  readonly command: DockerCommand;
  readonly log: ServerLog;
  readonly memoryLimitBytes: number | undefined;
  /** Facts about the engine and image, recorded with the store's settings. */
  readonly facts: Readonly<Record<string, string | number>>;
  readonly cgroupVersion: EngineInfo['CgroupVersion'];
}

/** Creates and starts the container; how to stop it, read its memory and see it end. */
async function runContainer(o: ContainerOptions): Promise<LaunchedServer> {
  const { engine, recipe, log, command: cmd } = o;
  const limit = o.memoryLimitBytes;
  const data = recipe.dataDir;
  const name = `vdb-bench-${process.pid}-${o.store}-${started++}`;
  const created = await engine.json<{ Id: string }>('POST', `/containers/create?name=${name}`, {
    Image: o.image,
    Cmd: cmd.args,
    ...(cmd.entrypoint ? { Entrypoint: cmd.entrypoint } : {}),
    Env: Object.entries(cmd.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(recipe.user ? { User: recipe.user } : {}),
    Labels: { [LABEL]: '1', [OWNER_LABEL]: String(process.pid), [STORE_LABEL]: o.store },
    ...(data.kind === 'volume' ? { Volumes: { [data.path]: {} } } : {}),
    HostConfig: {
      NetworkMode: 'host',
      ...(limit !== undefined ? { Memory: limit, MemorySwap: limit } : {}),
      ...(data.kind === 'tmpfs'
        ? { Tmpfs: { [data.path]: data.sizeBytes !== undefined ? `rw,size=${data.sizeBytes}` : 'rw' } }
        : {}),
    },
  }).catch((error: unknown) => {
    log.tail.close();
    throw error;
  });
  const id = created.Id;

  const dataNote = data.kind === 'volume' ? `anonymous volume at ${data.path}` : `tmpfs at ${data.path} (in memory)`;
  const description =
    `docker ${o.image} (${o.imageId.replace('sha256:', '').slice(0, 12)}) ` +
    [...(cmd.entrypoint ?? []), ...cmd.args].join(' ') +
    `; --network host${limit !== undefined ? `, --memory ${limit}` : ''}; data: ${dataNote}; Dify runs ${recipe.upstreamImage}`;

  let exit: ServerExit | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (!stopped) {
      stopping = true;
      unregister();
      stopped = removeContainer(engine, id).finally(() => log.tail.close());
    }
    return stopped;
  };
  // A second Ctrl-C cannot wait for the Engine API's async calls: the container (and its
  // anonymous volume) goes synchronously through the docker CLI, on the same socket.
  const killNow = (): void => {
    spawnSync('docker', ['-H', `unix://${dockerSocketPath()}`, 'rm', '--force', '--volumes', id], { stdio: 'ignore', timeout: 8_000 });
  };
  const unregister = onInterruptStop(stop, killNow);

  try {
    await engine.send('POST', `/containers/${id}/start`);
  } catch (error) {
    const lines = await containerLogs(engine, id, 15).catch(() => []);
    await stop();
    throw new ServerStartError(
      `${o.store}: container did not start: ${(error as Error).message}\n  image: ${o.image}\n  last lines:\n    ${lines.join('\n    ')}`,
    );
  }

  // The whole output, to the log file and the in-memory tail, for as long as the container runs.
  const demux = new StreamDemuxer((_, payload) => log.tail.push(payload));
  void engine
    .stream('GET', `/containers/${id}/logs?follow=1&stdout=1&stderr=1`, (c) => demux.push(c), undefined, { unref: true })
    .catch(() => undefined);
  // Resolves when the container stops on its own; an exit during stop() is not a server exit.
  void engine
    .stream('POST', `/containers/${id}/wait?condition=not-running`, () => undefined, undefined, { unref: true })
    .then(async () => {
      if (stopping) return;
      const state = (await inspectContainer(engine, id)).State;
      if (!stopping) exit = toServerExit(state.ExitCode, state.OOMKilled);
    })
    .catch(() => undefined);

  return {
    runtime: 'docker',
    endpoint: o.endpoint,
    kind: 'container',
    description,
    memory: new DockerStatsMemory(engine, id, o.cgroupVersion),
    facts: {
      ...o.facts,
      dataDir: dataNote,
      ...(limit !== undefined ? { memoryLimitBytes: limit } : {}),
    },
    log,
    // The engine has every line; the followed stream may lag behind a fast exit.
    lastLines: (n) => containerLogs(engine, id, n),
    exit: () => exit,
    dataBytes: () => dataBytes(engine, id, recipe),
    oomKills: () => containerOomKills(id),
    stop,
  };
}

/**
 * Bytes under the data directory: `du` on the volume's directory on the host when it can be
 * read from here (no process added to the container's cgroup while it is measured), else `du`
 * run inside the container (a tmpfs, or an engine on another machine).
 */
async function dataBytes(engine: DockerEngine, id: string, recipe: DockerRecipe): Promise<number | undefined> {
  try {
    const mount = (await inspectContainer(engine, id)).Mounts.find((m) => m.Destination === recipe.dataDir.path);
    if (mount?.Type === 'volume' && mount.Source) {
      const readable = await access(mount.Source).then(() => true, () => false);
      if (readable) return Number((await execFileAsync('du', ['-sb', mount.Source])).stdout.split('\t')[0]);
    }
    const out = await execInContainer(engine, id, ['du', '-sb', recipe.dataDir.path]);
    return out === undefined ? undefined : Number(out.split('\t')[0]);
  } catch {
    return undefined;
  }
}

/** Docker reports a process killed by signal N as exit code 128 + N. */
function toServerExit(code: number, oomKilled: boolean): ServerExit {
  const signo = code > 128 ? code - 128 : 0;
  const signal = Object.entries(osConstants.signals).find(([, n]) => n === signo)?.[0] ?? null;
  return { code, signal, oomKilled };
}

/**
 * OOM kills inside a running container, from its memory cgroup on this host (cgroupfs or systemd
 * driver, cgroup v1 or v2); undefined where none of those paths exists (a remote engine).
 */
async function containerOomKills(id: string): Promise<number | undefined> {
  const dirs = [
    `/sys/fs/cgroup/memory/docker/${id}`,
    `/sys/fs/cgroup/memory/system.slice/docker-${id}.scope`,
    `/sys/fs/cgroup/docker/${id}`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope`,
  ];
  for (const dir of dirs) {
    const count = await oomKillCount(dir);
    if (count !== undefined) return count;
  }
  return undefined;
}
