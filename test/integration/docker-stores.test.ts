import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oceanbaseStore } from '../../src/adapters/oceanbase/index.js';
import { oceanbaseDockerRecipe } from '../../src/adapters/oceanbase/oceanbase-docker-recipe.js';
import { qdrantDockerRecipe } from '../../src/adapters/qdrant/qdrant-docker-recipe.js';
import { qdrantStore } from '../../src/adapters/qdrant/index.js';
import { weaviateStore } from '../../src/adapters/weaviate/index.js';
import { weaviateDockerRecipe } from '../../src/adapters/weaviate/weaviate-docker-recipe.js';
import type { Collection, Doc, StoreSession } from '../../src/adapters/store-adapter.js';
import { selectProfile } from '../../src/adapters/registry.js';
import type { StoreDefinition } from '../../src/adapters/store-definition.js';
import type { DockerRecipe } from '../../src/runtime/docker-recipe.js';
import { LABEL } from '../../src/runtime/docker/docker-containers.js';
import { startDockerServer } from '../../src/runtime/docker/docker-runtime.js';
import { ServerStartError } from '../../src/runtime/server-start-error.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { prepareDocker, randomUnitDocs } from './fixtures/docker-setup.js';

/**
 * Weaviate (1.27.0 with the dify profile, 1.19.0 with dify-legacy), seekdb 1.4.0 (dify profile)
 * and Qdrant 1.8.3 (the dify and native profiles; CI builds no other Qdrant) as containers from the images scripts/build-images.sh builds from the binaries the
 * local install scripts produce; plus what seekdb does under a container memory limit.
 */
const exec = promisify(execFile);
const MiB = 2 ** 20;

const DIMS = 384;
const docs: Doc[] = randomUnitDocs(100, 10, 'docker stores test');

let logDir: string;
const servers: RunningServer[] = [];

beforeAll(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'vdb-bench-docker-stores-logs-'));
  // Idempotent: with the engine up, the binaries installed and the images current, both only
  // check (about a second). A cold run builds Weaviate from source (minutes per version).
  await prepareDocker(['weaviate', 'oceanbase', 'qdrant'], 1_800_000);
}, 2_200_000);

afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await rm(logDir, { recursive: true, force: true });
});

async function start(store: string, recipe: DockerRecipe, version?: string, memoryLimitBytes?: number): Promise<RunningServer> {
  const server = await startDockerServer(store, recipe, {
    logDir,
    ...(version !== undefined ? { version } : {}),
    ...(memoryLimitBytes !== undefined ? { memoryLimitBytes } : {}),
  });
  servers.push(server);
  return server;
}

/** The id of this store's one running vdb-bench container. */
async function containerId(store: string): Promise<string> {
  const { stdout } = await exec('docker', ['ps', '-q', '--filter', `label=${LABEL}`, '--filter', `label=vdb-bench.store=${store}`]);
  const ids = stdout.trim().split('\n').filter(Boolean);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** MEM USAGE as the docker CLI prints it, in bytes. */
async function cliMemory(id: string): Promise<number> {
  const cli = await exec('docker', ['stats', '--no-stream', '--format', '{{json .}}', id]);
  const usage = /^([\d.]+)([KMG]i?B)/.exec((JSON.parse(cli.stdout) as { MemUsage: string }).MemUsage);
  const unit = { KiB: 2 ** 10, MiB, GiB: 2 ** 30 }[usage?.[2] ?? 'MiB'] ?? MiB;
  return Number(usage?.[1]) * unit;
}

async function insertAll(adapter: Collection): Promise<void> {
  for (let i = 0; i < docs.length; i += 50) await adapter.insert(docs.slice(i, i + 50));
  await adapter.waitUntilSearchable(docs.length);
}

async function expectExactNearest(adapter: Collection): Promise<void> {
  expect(await adapter.count()).toBe(docs.length);
  for (const i of [0, 37, 99]) {
    const hits = await adapter.searchVector({ vector: docs[i]?.vector as Float32Array, k: 5 });
    expect(hits[0]?.id).toBe(`chunk-${i}`);
    expect(hits[0]?.score).toBeCloseTo(1, 4);
  }
}

const CASES = [
  {
    store: 'weaviate',
    version: '1.27.0',
    profile: 'dify',
    definition: weaviateStore as StoreDefinition,
    recipe: weaviateDockerRecipe,
    image: 'vdb-bench/weaviate:1.27.0-local',
    minIdleMiB: 20,
  },
  {
    store: 'weaviate',
    version: '1.19.0',
    profile: 'dify-legacy',
    definition: weaviateStore as StoreDefinition,
    recipe: weaviateDockerRecipe,
    image: 'vdb-bench/weaviate:1.19.0-local',
    minIdleMiB: 10,
  },
  {
    store: 'oceanbase',
    version: '1.4.0',
    profile: 'dify',
    definition: oceanbaseStore as StoreDefinition,
    recipe: oceanbaseDockerRecipe,
    image: 'vdb-bench/seekdb:1.4.0-local',
    minIdleMiB: 60,
  },
  {
    store: 'qdrant',
    version: '1.8.3',
    profile: 'dify',
    definition: qdrantStore as StoreDefinition,
    recipe: qdrantDockerRecipe,
    image: 'vdb-bench/qdrant:1.8.3-local',
    minIdleMiB: 5,
  },
  {
    store: 'qdrant',
    version: '1.8.3',
    profile: 'native',
    definition: qdrantStore as StoreDefinition,
    recipe: qdrantDockerRecipe,
    image: 'vdb-bench/qdrant:1.8.3-local',
    minIdleMiB: 5,
  },
];

describe('registration', () => {
  it('each store carries its docker recipe', () => {
    expect(weaviateStore.docker).toBe(weaviateDockerRecipe);
    expect(oceanbaseStore.docker).toBe(oceanbaseDockerRecipe);
    expect(qdrantStore.docker).toBe(qdrantDockerRecipe);
    expect(qdrantDockerRecipe.images).toEqual({
      '1.8.3': 'vdb-bench/qdrant:1.8.3-local',
      '1.18.3': 'vdb-bench/qdrant:1.18.3-local',
    });
    expect(qdrantDockerRecipe.upstreamImage).toBe('langgenius/qdrant:v1.8.3');
    expect(weaviateDockerRecipe.images).toEqual({
      '1.27.0': 'vdb-bench/weaviate:1.27.0-local',
      '1.19.0': 'vdb-bench/weaviate:1.19.0-local',
    });
    expect(weaviateDockerRecipe.defaultVersion).toBe('1.27.0');
    expect(oceanbaseDockerRecipe.images).toEqual({ '1.4.0': 'vdb-bench/seekdb:1.4.0-local' });
  });

  it("seekdb's container command is the local recipe's: memory_budget=2G, telemetry off", () => {
    const cmd = oceanbaseDockerRecipe.command({ ports: { mysql: 2881 }, version: '1.4.0', dataDir: '/var/lib/oceanbase' });
    expect(cmd.args).toEqual([
      '--base-dir=/var/lib/oceanbase',
      '--nodaemon',
      '--port', '2881',
      '--parameter', 'memory_budget=2G',
      '--parameter', 'log_disk_size=2G',
    ]);
    expect(cmd.env?.TELEMETRY_ENABLED).toBe('false');
  });
});

describe.each(CASES)('$store $version ($profile) in a container', ({ store, version, profile, definition, recipe, image, minIdleMiB }) => {
  let server: RunningServer;
  let session: StoreSession;
  let adapter: Collection;
  let idle: number;
  let readyMs: number;

  beforeAll(async () => {
    const t0 = Date.now();
    server = await start(store, recipe, version);
    readyMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 2000));
    idle = (await server.memory?.read()) ?? 0;
    session = await selectProfile(definition, profile).profile.createAdapter().connect(server.endpoint);
    adapter = await session.createCollection({ name: `it_docker_${store}_${version.replace(/\./g, '_')}`, dims: DIMS, metric: 'cosine' });
    await insertAll(adapter);
    console.log(`${store} ${version} (docker): ready in ${readyMs} ms, idle ${(idle / MiB).toFixed(1)} MiB (docker stats)`);
  });

  afterAll(async () => {
    await adapter?.drop().catch(() => undefined);
    await session?.close().catch(() => undefined);
    await server?.stop();
  });

  it('runs the locally built image on the host network, data in an anonymous volume', () => {
    expect(server.runtime).toBe('docker');
    expect(server.endpoint.host).toBe('127.0.0.1');
    expect(server.description).toContain(image);
    expect(server.description).toContain('--network host');
    expect(server.description).toContain(`data: anonymous volume at ${recipe.dataDir.path}`);
    expect(server.description).toContain(`Dify runs ${recipe.upstreamImage}`);
  });

  it('stores every doc and finds each exact nearest neighbour first', async () => {
    await expectExactNearest(adapter);
  });

  it('reads memory as docker stats does, a plausible figure', async () => {
    expect(server.memory?.method).toMatch(/^docker stats: Engine API .*memory_stats\.usage - stats\.(total_)?inactive_file/);
    expect(idle).toBeGreaterThan(minIdleMiB * MiB);
    expect(idle).toBeLessThan(1024 * MiB);
    const id = await containerId(store);
    // The same quantity the docker CLI prints (MEM USAGE): seekdb's usage moves by tens of MiB
    // within a second after inserts, so the CLI's figure is checked against the range our probe
    // reads while the CLI runs (it takes two samples, ~2 s).
    const ours: number[] = [];
    let running = true;
    const sampling = (async () => {
      while (running) {
        ours.push((await server.memory?.read()) ?? 0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const cli = await cliMemory(id).finally(() => (running = false));
    await sampling;
    ours.push((await server.memory?.read()) ?? 0);
    expect(Math.min(...ours)).toBeGreaterThan(minIdleMiB * MiB);
    expect(cli).toBeGreaterThan(Math.min(...ours) - 4 * MiB);
    expect(cli).toBeLessThan(Math.max(...ours) + 4 * MiB);
  });

  it('measures the data directory and has no exit while running', async () => {
    expect(await server.dataBytes()).toBeGreaterThan(0);
    expect(server.exit()).toBeUndefined();
    expect(server.logTail(50).length).toBeGreaterThan(0);
  });
});

describe('seekdb under a container memory limit', () => {
  it('1 GiB: reads the cgroup limit but keeps memory_budget=2G; starts and serves', async () => {
    const server = await start('oceanbase', oceanbaseDockerRecipe, undefined, 1024 * MiB);
    expect(server.description).toContain(`--memory ${1024 * MiB}`);
    const id = await containerId('oceanbase');
    // seekdb logs to <base-dir>/log/seekdb.log only; its container output is a 3-line banner.
    const { stdout } = await exec('docker', ['exec', id, 'grep', '-m1', 'update observer memory config', '/var/lib/oceanbase/log/seekdb.log']);
    expect(stdout).toContain('cgroup_memory_limit=1073741824');
    expect(stdout).toContain('effective_memory=1073741824');
    expect(stdout).toContain('automatic_memory_budget=1073741824');
    // The explicit budget wins over the cgroup-derived one: no refusal, no "not enough memory".
    expect(stdout).toContain('memory_budget=2147483648, configured_memory_budget=2147483648');
    const session = await selectProfile(oceanbaseStore, 'dify').profile.createAdapter().connect(server.endpoint);
    const adapter = await session.createCollection({ name: 'it_docker_seekdb_1g', dims: DIMS, metric: 'cosine' });
    await insertAll(adapter);
    await expectExactNearest(adapter);
    const used = (await server.memory?.read()) ?? 0;
    console.log(`oceanbase 1.4.0 (docker, --memory 1GiB): ${(used / MiB).toFixed(1)} MiB after 100 docs`);
    expect(used).toBeGreaterThan(60 * MiB);
    expect(used).toBeLessThan(1024 * MiB);
    expect(server.exit()).toBeUndefined();
    await adapter.drop().catch(() => undefined);
    await session.close().catch(() => undefined);
    await server.stop();
  });

  it('128 MiB (below its ~130 MiB start-up footprint): OOM-killed during start, recorded', async () => {
    const error = await start('oceanbase', oceanbaseDockerRecipe, undefined, 128 * MiB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as Error).message).toContain('oceanbase: server exited during start (code 137, signal SIGKILL, OOM-killed)');
    expect((error as ServerStartError).exit).toEqual({ code: 137, signal: 'SIGKILL', oomKilled: true });
    // The banner is all the container printed before the kill.
    expect((error as Error).message).toContain('Starting seekdb (OceanBase seekdb 1.4.0.0)');
  });
});

describe('cleanup', () => {
  it('leaves no vdb-bench container behind', async () => {
    for (const s of servers) await s.stop();
    const { stdout } = await exec('docker', ['ps', '-a', '--filter', `label=${LABEL}`, '--format', '{{.Names}}']);
    expect(stdout.trim()).toBe('');
  });
});
