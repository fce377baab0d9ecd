import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResults, ResultsWriteError } from '../../src/bench/results/results-file.js';
import { results as fixture } from '../unit/fixtures/results-fixture.js';
import { startBench } from './fixtures/bench-cli.js';
import { leftoversOf, NOTHING_LEFT } from './fixtures/leftovers.js';

/**
 * Disk full where results are written, for real: a 256 KiB tmpfs mounted by the test (as root),
 * holding a previous results file, then filled to the last byte. Unmounted in afterAll.
 */
const exec = promisify(execFile);
const MINI = new URL('../../datasets/linux-doc-mini', import.meta.url).pathname;
const PREVIOUS = '{"previous": "results, which must survive byte for byte"}\n';

let mount: string;

/** Fills the file system under `dir` until the kernel says ENOSPC. Bounded by the mount's size. */
async function fill(dir: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    try {
      await writeFile(join(dir, `filler-${i}`), Buffer.alloc(16 * 1024, 1));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        // The last file took what it could; smaller writes take the rest.
        for (let j = 0; j < 64; j++) await writeFile(join(dir, `crumb-${j}`), Buffer.alloc(512, 1)).catch(() => undefined);
        return;
      }
      throw error;
    }
  }
  throw new Error(`${dir} never filled up`);
}

beforeAll(async () => {
  mount = await mkdtemp(join(tmpdir(), 'vdb-bench-full-'));
  await exec('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
  await writeFile(join(mount, 'run.json'), PREVIOUS);
  await fill(mount);
});

afterAll(async () => {
  await exec('umount', [mount]).catch(() => undefined);
  await rmdir(mount).catch(() => undefined);
});

describe('disk full under the results file', () => {
  it('writeResults fails with the file and the cause named; the previous file is intact, no temp file left', async () => {
    const file = join(mount, 'run.json');
    const error = await writeResults(file, fixture).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultsWriteError);
    expect((error as Error).message).toBe(
      `${file}: cannot write results: no space left on the device (ENOSPC); the file there is unchanged`,
    );
    expect(await readFile(file, 'utf8')).toBe(PREVIOUS);
    expect((await readdir(mount)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('bench run on a full disk (results and server logs): one line, exit 1, previous file intact, no server left', async () => {
    const file = join(mount, 'run.json');
    // cwd on the full disk too: the server's log file (.vdb-bench/logs) cannot be written either.
    const bench = startBench(
      ['run', '--stores', 'pgvector', '--dataset', MINI, '--out', file, '--quiet', '--k', '4', '--warmup', '1', '--concurrency', '1', '--concurrency-seconds', '0.2'],
      { cwd: mount },
    );
    const r = await bench.exited;
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toEqual([`bench: ${file}: cannot write results: no space left on the device (ENOSPC); the file there is unchanged`]);
    expect(await readFile(file, 'utf8')).toBe(PREVIOUS);
    expect((await readdir(mount)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await leftoversOf(bench.pid)).toEqual(NOTHING_LEFT);
  });
});

