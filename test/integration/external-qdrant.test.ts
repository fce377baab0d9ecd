import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectStores } from '../../src/adapters/registry.js';
import { qdrantLocalRecipe } from '../../src/adapters/qdrant/qdrant-local-recipe.js';
import { DEFAULT_CONFIG, type BenchConfig } from '../../src/bench/bench-config.js';
import { silentProgress } from '../../src/bench/progress.js';
import { readResults } from '../../src/bench/results/results-file.js';
import type { Results, StoreResult } from '../../src/bench/results/results-schema.js';
import { runBenchmark } from '../../src/bench/run-benchmark.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { LocalRecipe } from '../../src/runtime/local-recipe.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { LOCAL_PLAN } from './fixtures/local-plan.js';
import { compareQuality } from './fixtures/compare-quality.js';
import { qdrantTestVersions } from './fixtures/installed-versions.js';

/**
 * Qdrant as a deployment runs it: TLS on its REST port (a certificate for 127.0.0.1 from a CA made
 * here) and an API key, started by the local runtime and reached only as
 * `--runtime external --endpoint qdrant=https://...` with QDRANT_API_KEY and the CA trusted
 * (NODE_EXTRA_CA_CERTS, as a user trusts a private CA). Every workload completes, memory comes from
 * the server's own /metrics behind the same key, nothing is left on the server, no key reaches an
 * output, and the quality figures equal a local-runtime run of the same build.
 */
const DATASET = new URL('../../datasets/linux-doc-mini', import.meta.url).pathname;
const BIN = new URL('../../bin/bench.js', import.meta.url).pathname;
const API_KEY = 'qd-Secret-4f7e21a9';
const SHORT: BenchConfig = { ...DEFAULT_CONFIG, warmupQueries: 5, concurrencyLevels: [1], concurrencySeconds: 0.5, idleSeconds: 1 };
const SHORT_FLAGS = ['--warmup', '5', '--concurrency', '1', '--concurrency-seconds', '0.5', '--quiet'];
const exec = promisify(execFile);

/** A CA and a server certificate for IP 127.0.0.1 signed by it, with openssl. */
async function makeCertificates(into: string): Promise<{ ca: string; cert: string; key: string }> {
  await mkdir(into, { recursive: true });
  const f = (name: string): string => join(into, name);
  const openssl = (...args: string[]) => exec('openssl', args, { cwd: into });
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=vdb-bench test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('key.pem'), '-out', f('server.csr'));
  await exec('bash', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > ${f('san.ext')}`]);
  await openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('san.ext'), '-out', f('cert.pem'));
  return { ca: f('ca.pem'), cert: f('cert.pem'), key: f('key.pem') };
}

/** The local recipe's readiness probe over https, trusting the CA, with the key. */
function tlsRecipe(ca: string): LocalRecipe {
  return {
    ...qdrantLocalRecipe,
    async isReady(endpoint) {
      const dispatcher = new Agent({ connect: { ca: await readFile(ca, 'utf8') } });
      try {
        const res = await fetch(`https://${endpoint.host}:${endpoint.ports.http}/readyz`, {
          headers: { 'api-key': API_KEY },
          // undici's own option: Node's fetch takes a dispatcher; the DOM type does not name it.
          ...({ dispatcher } as object),
          signal: AbortSignal.timeout(2000),
        });
        await res.arrayBuffer();
        return res.ok;
      } finally {
        await dispatcher.close();
      }
    },
  };
}

async function bench(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [BIN, ...args], { env: { ...process.env, ...env }, timeout: 900_000, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function only(results: Results): StoreResult {
  const [s] = results.stores;
  if (!s) throw new Error('no store in the results');
  return s;
}

// Dify's pin, whose /metrics has no memory figure, and (where installed) 1.18.3, whose has.
describe.each(qdrantTestVersions().map((v) => [v, v !== '1.8.3'] as const))('bench run --runtime external: Qdrant %s over TLS with an API key', (version, hasMemoryMetric) => {
  let dir: string;
  let tls: { ca: string; cert: string; key: string };
  let qdrant: RunningServer;
  let local: Results;
  let external: Results;
  let cli: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdb-bench-external-qdrant-'));
    tls = await makeCertificates(join(dir, 'tls'));
    qdrant = await startLocalServer('qdrant', tlsRecipe(tls.ca), {
      version,
      logDir: join(dir, 'server-logs'),
      env: {
        QDRANT__SERVICE__ENABLE_TLS: 'true',
        QDRANT__TLS__CERT: tls.cert,
        QDRANT__TLS__KEY: tls.key,
        QDRANT__SERVICE__API_KEY: API_KEY,
      },
    });
    local = await runBenchmark({
      stores: selectStores('qdrant'),
      plan: { ...LOCAL_PLAN, versions: new Map([['qdrant', version]]) },
      dataset: await readDataset(DATASET),
      config: SHORT,
      resultsFile: join(dir, 'local', 'local.json'),
      progress: silentProgress,
    });
    const endpoint = `qdrant=https://127.0.0.1:${qdrant.endpoint.ports.http}`;
    const out = join(dir, 'external', 'external.json');
    cli = await bench(['run', '--runtime', 'external', '--endpoint', endpoint, '--dataset', DATASET, '--out', out, ...SHORT_FLAGS], {
      QDRANT_API_KEY: API_KEY,
      NODE_EXTRA_CA_CERTS: tls.ca,
    });
    external = await readResults(out);
  }, 1_200_000);

  afterAll(async () => {
    await qdrant?.stop();
    if (dir && !process.env.VDB_BENCH_KEEP_TEST_DIR) await rm(dir, { recursive: true, force: true });
  });

  it('runs every workload over https with the key from QDRANT_API_KEY; memory as the server exposes it', () => {
    const s = only(external);
    expect(cli.code, `${s.status}${s.error ? ` in ${s.error.phase}: ${s.error.message}` : ''}\n${cli.stderr}`).toBe(0);
    expect(`${s.store}:${s.status}:${s.server?.runtime}:${s.server?.settings.credential}`).toBe('qdrant:ok:external:from QDRANT_API_KEY');
    if (hasMemoryMetric) {
      expect(s.memory?.method).toContain('Prometheus memory_resident_bytes from https://127.0.0.1:');
      expect(s.memory?.phases.idle?.meanBytes).toBeGreaterThan(0);
      expect(s.server?.memoryNotVisible).toBeUndefined();
    } else {
      expect(s.memory).toBeUndefined();
      expect(s.server?.memoryNotVisible).toContain('have none of memory_resident_bytes');
    }
  });

  it('gives the quality figures of a local-runtime run of the same build', () => {
    expect(only(local).server?.version).toBe(version);
    expect(only(external).server?.version).toBe(version);
    compareQuality(only(external), only(local));
  });

  it('the server refuses a request without the key; no collection is left behind', async () => {
    const dispatcher = new Agent({ connect: { ca: await readFile(tls.ca, 'utf8') } });
    try {
      const url = `https://127.0.0.1:${qdrant.endpoint.ports.http}/collections`;
      const refused = await fetch(url, { ...({ dispatcher } as object) });
      await refused.arrayBuffer();
      expect([401, 403]).toContain(refused.status);
      const res = await fetch(url, { headers: { 'api-key': API_KEY }, ...({ dispatcher } as object) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { result: { collections: { name: string }[] } };
      expect(body.result.collections.map((c) => c.name)).toEqual([]);
    } finally {
      await dispatcher.close();
    }
  });

  it('writes no key into any output', async () => {
    const files = await readdir(join(dir, 'external'));
    const texts = [cli.stdout, cli.stderr, ...(await Promise.all(files.map((f) => readFile(join(dir, 'external', f), 'utf8'))))];
    for (const text of texts) expect(text).not.toContain(API_KEY);
  });
});
