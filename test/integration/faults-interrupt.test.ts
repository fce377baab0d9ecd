import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/bench/results/results-file.js';
import { startBench } from './fixtures/bench-cli.js';
import { leftoversOf, NOTHING_LEFT } from './fixtures/leftovers.js';
import { prepareDocker } from './fixtures/docker-setup.js';
import { OWNER_LABEL } from '../../src/runtime/docker/docker-containers.js';

/**
 * Ctrl-C (SIGINT) and SIGTERM sent to the real CLI (`node bin/bench.js`) while a real server
 * runs, in each phase of `run` and during `memory` and `kb`: within 10 s every server process,
 * cgroup and data directory the run made is gone, the results so far are written and valid,
 * and the exit code says which signal (130, 143). A second Ctrl-C exits at once and still leaves
 * nothing behind. Local runtime, then the docker runtime (every container the run started gone).
 */
const MINI = new URL('../../datasets/linux-doc-mini', import.meta.url).pathname;
const FIRST = 'pgvector';
const SECOND = 'pgvector';
const RUN_FLAGS = ['--k', '4', '--warmup', '2', '--batch-size', '10', '--concurrency', '1,2', '--concurrency-seconds', '2'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-interrupt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `args`, waits for `pattern` on stderr, sends `signal`, and returns what the run left. */
async function interrupt(name: string, args: string[], pattern: RegExp, signal: NodeJS.Signals, again = false) {
  const out = join(dir, `${name}.json`);
  const bench = startBench([...args, '--dataset', MINI, '--out', out], { cwd: dir });
  await bench.waitFor(pattern, 240);
  const sent = Date.now();
  bench.kill(signal);
  if (again) {
    // The second signal as soon as the first one's handler has spoken: a fixed delay raced the
    // stop (on an idle machine two servers stopped inside 100 ms, and the run exited before the
    // second signal came), and sent back to back the two could merge into one pending signal.
    await bench.waitFor(/again to exit at once/, 10);
    bench.kill(signal);
  }
  const exit = await bench.exited;
  const seconds = (Date.now() - sent) / 1000;
  return { exit, seconds, left: await leftoversOf(bench.pid), containers: await containersOf(bench.pid), out };
}

const exec = promisify(execFile);

/** Containers, running or not, that the harness process `pid` started (its owner label). */
async function containersOf(pid: number): Promise<string[]> {
  const { stdout } = await exec('docker', ['ps', '-a', '--filter', `label=${OWNER_LABEL}=${pid}`, '--format', '{{.Names}}']).catch(
    () => ({ stdout: '' }),
  );
  return stdout.split('\n').filter(Boolean);
}

describe('bench run interrupted', () => {
  it.each([
    // "starting server" twice: the second store is running (the first one finished).
    ['while the second server starts', /starting server[\s\S]*starting server/],
    ['during its insert', /starting server[\s\S]*starting server[\s\S]*insert: $/],
    ['during its vector search', /starting server[\s\S]*starting server[\s\S]*vector k=4: $/],
    ['during its concurrency sweep', /starting server[\s\S]*starting server[\s\S]*concurrent ×1: $/],
  ])('SIGINT %s: exit 130 within 10 s, nothing left, the first store kept', async (phase, pattern) => {
    const { exit, seconds, left, out } = await interrupt(`run-${phase.replace(/\W+/g, '-')}`, ['run', '--stores', `${FIRST},${SECOND}`, ...RUN_FLAGS], pattern, 'SIGINT');
    expect(exit.code, exit.stderr).toBe(130);
    expect(seconds).toBeLessThan(10);
    expect(left).toEqual(NOTHING_LEFT);
    expect(exit.stderr).toContain('vdb-bench: SIGINT, stopping');
    const results = await readResults(out);
    expect(results.interrupted).toEqual({ signal: 'SIGINT', during: `${SECOND}:dify` });
    expect(results.stores.map((s) => `${s.store}:${s.status}`)).toEqual([`${FIRST}:ok`]);
    expect(results.finishedAt).toBeUndefined();
  }, 300_000);

  it('SIGTERM during the first insert: exit 143, nothing left, an empty but valid results file', async () => {
    const { exit, seconds, left, out } = await interrupt('run-sigterm', ['run', '--stores', `${SECOND},${FIRST}`, ...RUN_FLAGS], /insert: $/, 'SIGTERM');
    expect(exit.code, exit.stderr).toBe(143);
    expect(seconds).toBeLessThan(10);
    expect(left).toEqual(NOTHING_LEFT);
    const results = await readResults(out);
    expect(results.interrupted).toEqual({ signal: 'SIGTERM', during: `${SECOND}:dify` });
    expect(results.stores).toEqual([]);
  }, 300_000);

  it('a second Ctrl-C exits at once and still leaves nothing behind', async () => {
    const { exit, seconds, left } = await interrupt('run-twice', ['run', '--stores', SECOND, ...RUN_FLAGS], /vector k=4: $/, 'SIGINT', true);
    expect(exit.code, exit.stderr).toBe(130);
    // "At once" is the path, not a stopwatch: the second signal kills without waiting for the
    // first one's stops (the message says so); the bound is the same 10 s as every interrupt.
    expect(exit.stderr).toContain('SIGINT again: killing');
    expect(seconds).toBeLessThan(10);
    expect(left).toEqual(NOTHING_LEFT);
  }, 300_000);
});

describe('bench memory and bench kb interrupted', () => {
  it('SIGINT during a memory probe: exit 130, nothing left, results valid', async () => {
    const args = ['memory', '--stores', SECOND, '--min', '256m', '--max', '1g', '--max-probes', '2'];
    const { exit, seconds, left, out } = await interrupt('memory', args, /probing no limit[\s\S]*insert: $/, 'SIGINT');
    expect(exit.code, exit.stderr).toBe(130);
    expect(seconds).toBeLessThan(10);
    expect(left).toEqual(NOTHING_LEFT);
    expect((await readResults(out)).interrupted).toEqual({ signal: 'SIGINT', during: `${SECOND}:dify` });
  }, 300_000);

  it('SIGTERM while kb fills its knowledge bases: exit 143, nothing left, results valid', async () => {
    const args = ['kb', '--stores', SECOND, '--kbs', '3', '--docs-per-kb', '100', '--queries', '2', '--batch-size', '1'];
    const { exit, seconds, left, out } = await interrupt('kb', args, /× create \+ insert: $/, 'SIGTERM');
    expect(exit.code, exit.stderr).toBe(143);
    expect(seconds).toBeLessThan(10);
    expect(left).toEqual(NOTHING_LEFT);
    expect((await readResults(out)).interrupted).toEqual({ signal: 'SIGTERM', during: `${SECOND}:dify` });
  }, 300_000);
});

describe('the docker runtime interrupted', () => {
  const DOCKER = ['--runtime', 'docker'];
  beforeAll(async () => {
    // Idempotent: on a machine that has the engine and the image, both only check.
    await prepareDocker([SECOND], 1_200_000);
  }, 1_300_000);

  it.each([
    ['during its insert', /starting server[\s\S]*starting server[\s\S]*insert: $/],
    ['during its vector search', /starting server[\s\S]*starting server[\s\S]*vector k=4: $/],
    ['during its concurrency sweep', /starting server[\s\S]*starting server[\s\S]*concurrent ×1: $/],
  ])('SIGINT %s: exit 130 within 10 s, no container left, the first store kept', async (phase, pattern) => {
    const args = ['run', ...DOCKER, '--stores', `${FIRST},${SECOND}`, ...RUN_FLAGS];
    const { exit, seconds, left, containers, out } = await interrupt(`docker-run-${phase.replace(/\W+/g, '-')}`, args, pattern, 'SIGINT');
    expect(exit.code, exit.stderr).toBe(130);
    expect(seconds).toBeLessThan(10);
    expect(containers).toEqual([]);
    expect(left).toEqual(NOTHING_LEFT);
    const results = await readResults(out);
    expect(results.interrupted).toEqual({ signal: 'SIGINT', during: `${SECOND}:dify` });
    expect(results.stores.map((s) => `${s.store}:${s.status}:${s.server?.runtime}`)).toEqual([`${FIRST}:ok:docker`]);
  }, 300_000);

  it('SIGTERM while the container starts: exit 143, no container left', async () => {
    const args = ['run', ...DOCKER, '--stores', SECOND, ...RUN_FLAGS];
    const { exit, seconds, containers, out } = await interrupt('docker-run-sigterm', args, /starting server/, 'SIGTERM');
    expect(exit.code, exit.stderr).toBe(143);
    expect(seconds).toBeLessThan(10);
    expect(containers).toEqual([]);
    expect((await readResults(out)).interrupted).toEqual({ signal: 'SIGTERM', during: `${SECOND}:dify` });
  }, 300_000);

  it('a second Ctrl-C exits at once and removes the container synchronously', async () => {
    const args = ['run', ...DOCKER, '--stores', SECOND, ...RUN_FLAGS];
    const { exit, seconds, containers } = await interrupt('docker-run-twice', args, /vector k=4: $/, 'SIGINT', true);
    expect(exit.code, exit.stderr).toBe(130);
    expect(exit.stderr).toContain('SIGINT again: killing');
    expect(seconds).toBeLessThan(10);
    expect(containers).toEqual([]);
  }, 300_000);

  it('SIGINT during a memory probe and SIGTERM during kb: no container left, results valid', async () => {
    const memory = await interrupt(
      'docker-memory',
      ['memory', ...DOCKER, '--stores', SECOND, '--min', '256m', '--max', '1g', '--max-probes', '2'],
      /probing no limit[\s\S]*insert: $/,
      'SIGINT',
    );
    expect(memory.exit.code, memory.exit.stderr).toBe(130);
    expect(memory.seconds).toBeLessThan(10);
    expect(memory.containers).toEqual([]);
    expect((await readResults(memory.out)).interrupted).toEqual({ signal: 'SIGINT', during: `${SECOND}:dify` });
    const kb = await interrupt(
      'docker-kb',
      ['kb', ...DOCKER, '--stores', SECOND, '--kbs', '3', '--docs-per-kb', '100', '--queries', '2', '--batch-size', '1'],
      /× create \+ insert: $/,
      'SIGTERM',
    );
    expect(kb.exit.code, kb.exit.stderr).toBe(143);
    expect(kb.seconds).toBeLessThan(10);
    expect(kb.containers).toEqual([]);
    expect((await readResults(kb.out)).interrupted).toEqual({ signal: 'SIGTERM', during: `${SECOND}:dify` });
  }, 300_000);
});
