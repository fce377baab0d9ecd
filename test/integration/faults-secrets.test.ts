import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBench, type BenchExit } from './fixtures/bench-cli.js';
import { leftoversOf, NOTHING_LEFT } from './fixtures/leftovers.js';

/**
 * A real run with secrets in the harness's environment (the kind a Dify host has set: database
 * and vector store passwords, API keys, credentials in URLs): none may reach the results, the
 * reports, the server logs or the terminal. (That servers are not even given them is
 * serverEnvironment's unit test: PostgreSQL overwrites its /proc environ with its process titles.)
 * Local runtime; the external runtime's URLs with credentials are covered where it lives.
 */
const MINI = new URL('../../datasets/linux-doc-mini', import.meta.url).pathname;
const STORES = 'pgvector';
const SECRETS: Record<string, string> = {
  PGPASSWORD: 'pg-pass-3f9a1c',
  DB_PASSWORD: 'db-pass-77e2b0',
  OPENAI_API_KEY: 'sk-test-5b8d2e4f0a1c',
  WEAVIATE_API_KEY: 'wv-key-a41c09',
  QDRANT_API_KEY: 'qd-key-0c9e7d',
  CHROMA_AUTH_CREDENTIALS: 'chroma-cred-19bd44',
  OCEANBASE_VECTOR_PASSWORD: 'ob-pass-6d2f13',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-e83a55',
  DATABASE_URL: 'postgresql://dify:url-pass-9c41aa@db.internal:5432/dify',
  PGVECTOR_URL: 'postgres://admin:url-pass-2b7e10@127.0.0.1:5433/x',
};
/** Every value, and the password part of each URL on its own. */
const NEEDLES = [...Object.values(SECRETS), 'url-pass-9c41aa', 'url-pass-2b7e10'];

let dir: string;
let exit: BenchExit;
let pid: number;

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-secrets-'));
  // cwd is the temp dir, so the servers' logs (.vdb-bench/logs) land there to be read too.
  const bench = startBench(
    ['run', '--stores', STORES, '--dataset', MINI, '--out', join(dir, 'run.json'), '--k', '4', '--warmup', '2', '--concurrency', '1', '--concurrency-seconds', '0.3'],
    { cwd: dir, env: { ...process.env, ...SECRETS }, timeoutSeconds: 400 },
  );
  pid = bench.pid;
  exit = await bench.exited;
}, 420_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('no secret in any output', () => {
  it('the run completed and left nothing behind', async () => {
    expect(exit.code, exit.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as { stores: Array<{ status: string }> };
    expect(results.stores.map((s) => s.status)).toEqual(['ok']);
    expect(await leftoversOf(pid)).toEqual(NOTHING_LEFT);
  });

  it('results, markdown, charts and server logs hold none of the secrets', async () => {
    const files = await filesUnder(dir);
    expect(files.map((f) => f.slice(dir.length + 1)).filter((f) => f.startsWith('.vdb-bench/logs/')).length).toBeGreaterThanOrEqual(1);
    expect(files.some((f) => f.endsWith('run.md'))).toBe(true);
    for (const file of files) {
      const text = await readFile(file, 'latin1');
      for (const secret of NEEDLES) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });

  it('the terminal output holds none of them', () => {
    for (const secret of NEEDLES) {
      expect(exit.stdout.includes(secret), `${secret} on stdout`).toBe(false);
      expect(exit.stderr.includes(secret), `${secret} on stderr`).toBe(false);
    }
  });
});
