import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaStore } from '../../src/adapters/chroma/index.js';
import { chromaDockerRecipe } from '../../src/adapters/chroma/chroma-docker-recipe.js';
import { pgvectorStore } from '../../src/adapters/pgvector/index.js';
import { selectProfile } from '../../src/adapters/registry.js';
import { pgvectorDockerRecipe } from '../../src/adapters/pgvector/pgvector-docker-recipe.js';
import type { Collection, Doc, StoreSession } from '../../src/adapters/store-adapter.js';
import type { StoreDefinition } from '../../src/adapters/store-definition.js';
import type { DockerRecipe } from '../../src/runtime/docker-recipe.js';
import { DockerEngine, DockerUnavailableError } from '../../src/runtime/docker/docker-engine.js';
import { DockerImageMissingError, LABEL, OWNER_LABEL } from '../../src/runtime/docker/docker-containers.js';
import { startDockerServer } from '../../src/runtime/docker/docker-runtime.js';
import { memoryUsageNoCache } from '../../src/runtime/docker/docker-stats-memory.js';
import { StreamDemuxer } from '../../src/runtime/docker/docker-stream.js';
import { ServerStartError } from '../../src/runtime/server-start-error.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { prepareDocker, randomUnitDocs } from './fixtures/docker-setup.js';

const exec = promisify(execFile);
const MiB = 2 ** 20;

const DIMS = 384;
const docs: Doc[] = randomUnitDocs(400, 20, 'docker runtime test');

let logDir: string;
const servers: RunningServer[] = [];

beforeAll(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'vdb-bench-docker-logs-'));
  // Idempotent: on a machine that has them, both only check (well under a second each).
  await prepareDocker(['pgvector', 'chroma'], 1_200_000);
}, 1_600_000);

afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await rm(logDir, { recursive: true, force: true });
});

async function start(store: string, recipe: DockerRecipe, memoryLimitBytes?: number): Promise<RunningServer> {
  const server = await startDockerServer(store, recipe, {
    logDir,
    ...(memoryLimitBytes !== undefined ? { memoryLimitBytes } : {}),
  });
  servers.push(server);
  return server;
}

/** Reads the probe every 100 ms while `work` runs; returns the largest reading. */
async function peakDuring(server: RunningServer, work: () => Promise<void>): Promise<number> {
  let peak = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      peak = Math.max(peak, (await server.memory?.read()) ?? 0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await sampling;
  }
  return Math.max(peak, (await server.memory?.read()) ?? 0);
}

describe.each([
  { store: 'pgvector', definition: pgvectorStore as StoreDefinition, recipe: pgvectorDockerRecipe, minIdleMiB: 5 },
  { store: 'chroma', definition: chromaStore as StoreDefinition, recipe: chromaDockerRecipe, minIdleMiB: 40 },
])('$store in a container', ({ store, definition, recipe, minIdleMiB }) => {
  let server: RunningServer;
  let session: StoreSession;
  let adapter: Collection;
  let idle: number;
  let peak: number;

  beforeAll(async () => {
    server = await start(store, recipe);
    await new Promise((r) => setTimeout(r, 1000));
    idle = (await server.memory?.read()) ?? 0;
    session = await selectProfile(definition, 'dify').profile.createAdapter().connect(server.endpoint);
    adapter = await session.createCollection({ name: `it_docker_${store}`, dims: DIMS, metric: 'cosine' });
    peak = await peakDuring(server, async () => {
      for (let i = 0; i < docs.length; i += 100) await adapter.insert(docs.slice(i, i + 100));
      await adapter.waitUntilSearchable(docs.length);
    });
  });

  afterAll(async () => {
    await adapter?.drop().catch(() => undefined);
    await session?.close().catch(() => undefined);
    await server?.stop();
  });

  it('runs the locally built image on the host network, bound to 127.0.0.1', () => {
    expect(server.runtime).toBe('docker');
    expect(server.endpoint.host).toBe('127.0.0.1');
    expect(server.description).toContain(Object.values(recipe.images)[0]);
    expect(server.description).toContain('--network host');
    expect(server.description).toContain(`data: anonymous volume at ${recipe.dataDir.path}`);
  });

  it('stores and finds every doc', async () => {
    expect(await adapter.count()).toBe(docs.length);
    for (const i of [0, 123, 399]) {
      const hits = await adapter.searchVector({ vector: docs[i]?.vector as Float32Array, k: 5 });
      expect(hits[0]?.id).toBe(`chunk-${i}`);
      expect(hits[0]?.score).toBeCloseTo(1, 4);
    }
  });

  it('reads memory as docker stats does, and it grows during insert', async () => {
    expect(server.memory?.method).toMatch(/^docker stats: Engine API .*memory_stats\.usage - stats\.(total_)?inactive_file/);
    expect(idle).toBeGreaterThan(minIdleMiB * MiB);
    expect(idle).toBeLessThan(1024 * MiB);
    expect(peak).toBeGreaterThan(idle);
    // The same quantity the docker CLI prints (MEM USAGE), within what changes between two reads.
    const { stdout } = await exec('docker', ['ps', '-q', '--filter', `label=${LABEL}`, '--filter', `label=vdb-bench.store=${store}`]);
    const cli = await exec('docker', ['stats', '--no-stream', '--format', '{{json .}}', stdout.trim()]);
    const usage = /^([\d.]+)([KMG]i?B)/.exec((JSON.parse(cli.stdout) as { MemUsage: string }).MemUsage);
    const unit = { KiB: 2 ** 10, MiB, GiB: 2 ** 30 }[usage?.[2] ?? 'MiB'] ?? MiB;
    const ours = (await server.memory?.read()) ?? 0;
    expect(Math.abs(Number(usage?.[1]) * unit - ours)).toBeLessThan(4 * MiB);
  });

  it('measures the data directory and has no exit while running', async () => {
    expect(await server.dataBytes()).toBeGreaterThan(0);
    expect(server.exit()).toBeUndefined();
    expect(server.logTail(50).length).toBeGreaterThan(0);
  });
});

describe('memory limits', () => {
  it('a limit below chroma 0.5.20 idle (~80 MiB) ends in an OOM kill, recorded, not a crash', async () => {
    const error = await start('chroma', chromaDockerRecipe, 64 * MiB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as Error).message).toContain('chroma: server exited during start (code 137, signal SIGKILL, OOM-killed)');
    expect((error as ServerStartError).exit).toEqual({ code: 137, signal: 'SIGKILL', oomKilled: true });
  });

  it('a limit that lets chroma start but not grow kills it during insert; exit() says OOM', async () => {
    const server = await start('chroma', chromaDockerRecipe, 100 * MiB);
    const session = await selectProfile(chromaStore, 'dify').profile.createAdapter().connect(server.endpoint);
    const adapter = await session.createCollection({ name: 'it_docker_oom', dims: DIMS, metric: 'cosine' });
    const big = Array.from({ length: 40 }, (_, b) => docs.map((d) => ({ ...d, id: `${d.id}-${b}`, text: d.text.repeat(20) })));
    const failure = await (async () => {
      for (const batch of big) await adapter.insert(batch);
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    // The engine reports the exit a moment after the client saw the connection drop.
    for (let i = 0; i < 50 && !server.exit(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(server.exit()).toEqual({ code: 137, signal: 'SIGKILL', oomKilled: true });
    expect(await server.memory?.read()).toBeUndefined();
    await session.close().catch(() => undefined);
    await server.stop();
  });
});

describe('docker runtime faults', () => {
  it('no engine: says where it looked and what to run', async () => {
    const engine = new DockerEngine('/nonexistent/docker.sock');
    await expect(startDockerServer('chroma', chromaDockerRecipe, { engine, logDir })).rejects.toThrow(
      new DockerUnavailableError('/nonexistent/docker.sock', 'ENOENT'),
    );
    await expect(startDockerServer('chroma', chromaDockerRecipe, { engine, logDir })).rejects.toThrow(
      'no Docker engine at /nonexistent/docker.sock: run scripts/install-docker.sh or use --runtime local',
    );
  });

  it('a missing image: names it and the build script', async () => {
    const error = await startDockerServer('chroma', chromaDockerRecipe, { image: 'vdb-bench/chroma:none-local', logDir }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DockerImageMissingError);
    expect((error as Error).message).toBe(
      'chroma: image vdb-bench/chroma:none-local is not built on this Docker engine; run scripts/build-images.sh chroma',
    );
  });

  it('an unknown version is refused, listing the known ones', async () => {
    await expect(startDockerServer('chroma', chromaDockerRecipe, { version: '9.9.9', logDir })).rejects.toThrow(
      'chroma: no docker recipe for version 9.9.9; known: 0.5.20',
    );
  });

  it("removes a dead owner's leftover container at the next start", async () => {
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    const engine = new DockerEngine();
    const image = Object.values(chromaDockerRecipe.images)[0] as string;
    const leftover = await engine.json<{ Id: string }>('POST', '/containers/create', {
      Image: image,
      Cmd: ['--help'],
      Labels: { [LABEL]: '1', [OWNER_LABEL]: String(dead.pid) },
      HostConfig: { NetworkMode: 'none' },
    });
    const server = await start('chroma', chromaDockerRecipe);
    const status = (await engine.call('GET', `/containers/${leftover.Id}/json`)).status;
    await server.stop();
    expect(status).toBe(404);
  });

  it('a server that exits at start fails with its last log lines and exit code', async () => {
    const broken: DockerRecipe = {
      ...chromaDockerRecipe,
      command: () => ({ entrypoint: ['sh', '-c'], args: ['echo "fatal: bad config" >&2; exit 3'] }),
    };
    const error = await start('broken', broken).catch((e: unknown) => e);
    expect((error as Error).message).toContain('broken: server exited during start (code 3, signal null)');
    expect((error as Error).message).toContain('fatal: bad config');
  });
});

describe('docker stats arithmetic', () => {
  it('subtracts total_inactive_file (v1) or inactive_file (v2) from usage, as the docker CLI', () => {
    expect(memoryUsageNoCache({ memory_stats: { usage: 100, stats: { total_inactive_file: 30, inactive_file: 10 } } })).toBe(70);
    expect(memoryUsageNoCache({ memory_stats: { usage: 100, stats: { inactive_file: 10 } } })).toBe(90);
    expect(memoryUsageNoCache({ memory_stats: { usage: 100, stats: { total_inactive_file: 200, inactive_file: 10 } } })).toBe(90);
    expect(memoryUsageNoCache({ memory_stats: { usage: 100, stats: {} } })).toBe(100);
    expect(memoryUsageNoCache({ memory_stats: {} })).toBeUndefined();
  });

  it('demultiplexes frames cut anywhere', () => {
    const frame = (stream: number, text: string): Buffer => {
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n')]);
    const got: string[] = [];
    const demux = new StreamDemuxer((stream, payload) => got.push(`${stream}:${payload.toString()}`));
    for (let i = 0; i < all.length; i += 5) demux.push(all.subarray(i, i + 5));
    expect(got).toEqual(['stdout:out one\n', 'stderr:err\n', 'stdout:out two\n']);
  });
});

describe('cleanup', () => {
  it('leaves no vdb-bench container behind', async () => {
    for (const s of servers) await s.stop();
    const { stdout } = await exec('docker', ['ps', '-a', '--filter', `label=${LABEL}`, '--format', '{{.Names}}']);
    expect(stdout.trim()).toBe('');
  });
});
