import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The workflow users copy as it is: its structure is checked here, since no CI runs it on this machine. */
const workflow = parse(readFileSync(new URL('../../.github/workflows/bench-gate.yml', import.meta.url), 'utf8')) as {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, { steps: Array<{ name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string> }> }>;
};

describe('.github/workflows/bench-gate.yml', () => {
  const steps = workflow.jobs.gate?.steps ?? [];
  const run = (needle: string) => steps.find((s) => s.run?.includes(needle));

  it('runs on pull requests', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  });

  it('checks out head and the base commit side by side', () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((s) => s.with?.path)).toEqual(['head', 'base']);
    expect(checkouts[1]?.with?.ref).toBe('${{ github.event.pull_request.base.sha }}');
  });

  it('installs only the gated stores through setup', () => {
    expect(run('npm run setup -- $stores')?.run).toContain('stores="${GATE_STORES//,/ }"');
  });

  it('interleaves base and head rounds, with the short benchmark whose error rates the README gives', () => {
    const rounds = run('Interleaved') ?? run('for round in');
    expect(rounds?.run).toContain('order="base head"; else order="head base"');
    expect(rounds?.run).toContain('--out "$GITHUB_WORKSPACE/gate/$side-$round.json"');
    // scripts/gate/proxied-run.ts's defaults: the flags measure-gate.ts measured.
    expect(workflow.env.GATE_RUN_FLAGS).toBe('--k 4 --warmup 5 --concurrency 1 --concurrency-seconds 0.5 --quiet');
  });

  it('compares across rounds, writes the job summary and keeps compare\'s exit code', () => {
    const compare = run('bench.js compare');
    expect(compare?.run).toContain('--baseline gate/base-*.json --current gate/head-*.json');
    expect(compare?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(compare?.run).toContain('exit $code');
  });

  it('uploads the results whatever the verdict', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.path).toBe('gate/');
  });
});
