import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../../src/adapters/registry.js';

/**
 * Bad input to the real CLI (`node bin/bench.js`, a child process as a user runs it): every case
 * ends in exactly one line on stderr naming the flag or file, exit code 2, no stack trace unless
 * --verbose, and no server started.
 */
const run = promisify(execFile);
const BIN = new URL('../../bin/bench.js', import.meta.url).pathname;
const MINI = new URL('../../datasets/linux-doc-mini', import.meta.url).pathname;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function bench(args: string[], asUser?: string, env: Record<string, string> = {}): Promise<Outcome> {
  const [command, argv] = asUser
    ? ['setpriv', ['--reuid', asUser, '--regid', 'nogroup', '--clear-groups', '--', 'node', BIN, ...args]]
    : ['node', [BIN, ...args]];
  try {
    const { stdout, stderr } = await run(command, argv, { timeout: 60_000, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Exit 2 and one line `bench: ...` holding `expected`, with no stack frame. */
function expectOneLine(r: Outcome, expected: string): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('reading dataset'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(expected);
  expect(lines[0]?.startsWith('bench: ')).toBe(true);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-badinput-'));
  await writeFile(join(dir, 'a-file.txt'), 'not a dataset\n');
  // As root every file is readable, so the unreadable cases run the CLI as `nobody`.
  await chmod(dir, 0o755);
  await cp(MINI, join(dir, 'locked-file'), { recursive: true });
  await chmod(join(dir, 'locked-file', 'docs.jsonl'), 0o000);
  await cp(MINI, join(dir, 'locked-folder'), { recursive: true });
  await chmod(join(dir, 'locked-folder'), 0o000);
});
afterAll(async () => {
  await chmod(join(dir, 'locked-folder'), 0o755);
  await rm(dir, { recursive: true, force: true });
});

const known = STORES.map((s) => s.name).join(', ');

describe('bad input to bench: one line, exit code 2', () => {
  it.each([
    [['run', '--stores', 'milvus'], `--stores: unknown store "milvus"; known stores: ${known}`],
    [['run', '--stores', 'chroma:fast'], '--stores: chroma has no profile "fast"; its profiles: dify, native'],
    [['run', '--stores', ''], '--stores is empty'],
    [['run', '--store-version', 'chroma=9.9.9'], '--store-version: chroma has no version 9.9.9; known: 0.5.20, 1.0.0, 1.5.9'],
    [['run', '--store-version', 'chroma'], '--store-version: "chroma" is not store=version'],
    [['run', '--memory-limit', '12x'], '--memory-limit: "12x" is not a size like 512m or 2g'],
    [['run', '--memory-limit', 'milvus=1g'], '--memory-limit: unknown store "milvus"'],
    [['run', '--batch-size', '0'], '--batch-size: "0" is not a positive integer'],
    [['run', '--batch-size', '1.5'], '--batch-size: "1.5" is not a positive integer'],
    [['run', '--concurrency', '1,-4'], '--concurrency: "-4" is not a positive integer'],
    [['run', '--concurrency-seconds', 'soon'], '--concurrency-seconds: "soon" is not a positive number'],
    [['run', '--runtime', 'k8s'], "option '--runtime <name>' argument 'k8s' is invalid"],
    [['run', '--bogus'], "unknown option '--bogus'"],
    [['memory', '--min', '1q'], '--min: "1q" is not a size like 512m or 2g'],
    [['kb', '--kbs', '0,10'], '--kbs: "0" is not a positive integer'],
    [['gate', '--baseline-root', '.', '--rounds', '1'], '--rounds: 1 round cannot be judged; the t test across rounds needs at least 2'],
    [['gate', '--rounds', '4'], "required option '--baseline-root <dir>' not specified"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['report'], "missing required argument 'results.json'"],
  ])('bench %j', async (args, expected) => {
    expectOneLine(await bench(args), expected);
  });

  it('--dataset that is a file', async () => {
    const file = join(dir, 'a-file.txt');
    expectOneLine(
      await bench(['run', '--stores', 'pgvector', '--dataset', file]),
      `${file}: a file dataset must be ann-benchmarks HDF5 (.hdf5 or .h5); other formats are folders`,
    );
  });

  it('--dataset that does not exist', async () => {
    const missing = join(dir, 'nowhere');
    expectOneLine(await bench(['run', '--stores', 'pgvector', '--dataset', missing]), `${missing}: no such file or folder`);
  });

  it('--dataset folder the user cannot read', async () => {
    const locked = join(dir, 'locked-folder');
    expectOneLine(await bench(['datasets', 'check', locked], 'nobody'), `${locked}: not readable (permission denied)`);
  });

  it('--dataset with a file the user cannot read, named', async () => {
    const file = join(dir, 'locked-file', 'docs.jsonl');
    expectOneLine(await bench(['datasets', 'check', join(dir, 'locked-file')], 'nobody'), `${file}: not readable (permission denied)`);
  });

  it('a results file that is not JSON, named', async () => {
    const file = join(dir, 'a-file.txt');
    expectOneLine(await bench(['report', file]), `${file}: cannot read results`);
  });

  it('a store that is not installed: named with its install script before any server starts', async () => {
    // An empty install tree (VDB_BENCH_INSTALL_DIR), so the store is missing whatever this
    // machine has installed: CI installs every version.
    const empty = join(dir, 'no-installs');
    await mkdir(empty, { recursive: true });
    const before = await readdir(tmpdir());
    const r = await bench(['run', '--stores', 'chroma', '--store-version', 'chroma=0.5.20', '--dataset', MINI], undefined, {
      VDB_BENCH_INSTALL_DIR: empty,
    });
    expectOneLine(r, `chroma 0.5.20: ${join(empty, 'chroma', '0.5.20', 'venv', 'bin', 'chroma')} is not installed; run scripts/install-chroma.sh`);
    // Refused before a data directory (or server) was made.
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('vdb-bench-') && !before.includes(n))).toEqual([]);
  });

  it('--verbose prints the stack trace as well', async () => {
    const r = await bench(['run', '--batch-size', 'ten', '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--batch-size: "ten" is not a positive integer');
    expect(r.stderr).toMatch(/^\s+at .*parse-options\.ts/m);
  });

  it('--help and --version still exit 0', async () => {
    expect((await bench(['run', '--help'])).code).toBe(0);
    const version = await bench(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
