import { DockerApiError, type DockerEngine } from './docker-engine.js';
import type { ContainerInspect, ContainerSummary, ExecInspect, ImageInspect } from './docker-api-types.js';
import { StreamDemuxer } from './docker-stream.js';
import { isAlive } from '../process-alive.js';

/** Every container the harness starts carries this label (value "1"), and its owner's pid. */
export const LABEL = 'vdb-bench';
export const OWNER_LABEL = 'vdb-bench.owner';
export const STORE_LABEL = 'vdb-bench.store';

/** The image is not on this engine: name it and the script that builds it. */
export class DockerImageMissingError extends Error {
  constructor(store: string, image: string, buildScript: string) {
    super(`${store}: image ${image} is not built on this Docker engine; run ${buildScript}`);
    this.name = 'DockerImageMissingError';
  }
}

export async function inspectImage(
  engine: DockerEngine,
  store: string,
  image: string,
  buildScript: string,
): Promise<ImageInspect> {
  try {
    return await engine.json<ImageInspect>('GET', `/images/${encodeURIComponent(image)}/json`);
  } catch (error) {
    if (error instanceof DockerApiError && error.status === 404) throw new DockerImageMissingError(store, image, buildScript);
    throw error;
  }
}

export function listOurContainers(engine: DockerEngine): Promise<ContainerSummary[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=1`] }));
  return engine.json<ContainerSummary[]>('GET', `/containers/json?all=1&filters=${filters}`);
}

/**
 * Removes containers a crashed or killed run left behind: labelled `vdb-bench=1` with an owner
 * pid that no longer runs on this machine. Returns their names.
 */
export async function removeLeftovers(engine: DockerEngine): Promise<string[]> {
  const removed: string[] = [];
  for (const c of await listOurContainers(engine)) {
    const owner = Number(c.Labels[OWNER_LABEL]);
    if (owner > 0 && isAlive(owner)) continue;
    await removeContainer(engine, c.Id);
    removed.push(c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12));
  }
  return removed;
}

/** Force-removes a container and its anonymous volumes; a container already gone is fine. */
export async function removeContainer(engine: DockerEngine, id: string): Promise<void> {
  try {
    await engine.send('DELETE', `/containers/${id}?force=1&v=1`);
  } catch (error) {
    if (error instanceof DockerApiError && error.status === 404) return;
    // 409 "removal already in progress": another stop got there first.
    if (error instanceof DockerApiError && error.status === 409) return;
    throw error;
  }
}

export function inspectContainer(engine: DockerEngine, id: string): Promise<ContainerInspect> {
  return engine.json<ContainerInspect>('GET', `/containers/${id}/json`);
}

/** The last `lines` lines of a container's output (stdout and stderr interleaved). */
export async function containerLogs(engine: DockerEngine, id: string, lines: number): Promise<string[]> {
  const res = await engine.call('GET', `/containers/${id}/logs?stdout=1&stderr=1&tail=${lines}`);
  if (res.status >= 400) return [];
  let text = '';
  new StreamDemuxer((_, payload) => (text += payload.toString('utf8'))).push(res.body);
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}

/** Runs a command inside a running container; its stdout, or undefined if it failed. */
export async function execInContainer(
  engine: DockerEngine,
  id: string,
  cmd: readonly string[],
): Promise<string | undefined> {
  const exec = await engine.json<{ Id: string }>('POST', `/containers/${id}/exec`, {
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
  });
  let stdout = '';
  const demux = new StreamDemuxer((stream, payload) => {
    if (stream === 'stdout') stdout += payload.toString('utf8');
  });
  await engine.stream('POST', `/exec/${exec.Id}/start`, (c) => demux.push(c), { Detach: false, Tty: false });
  const state = await engine.json<ExecInspect>('GET', `/exec/${exec.Id}/json`);
  return state.ExitCode === 0 ? stdout : undefined;
}
