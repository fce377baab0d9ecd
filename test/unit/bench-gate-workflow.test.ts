import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_GATE_ROUNDS } from '../../src/cli/gate-command.js';

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

  it('runs bench gate with the base checkout as the baseline, and keeps its exit code', () => {
    const gate = run('bench.js gate');
    expect(gate?.run).toContain('--baseline-root base --stores "$GATE_STORES"');
    expect(gate?.run).toContain('--rounds "$GATE_ROUNDS" --out-dir gate');
    // The rounds scripts/measure-gate.ts measured (bench gate's default).
    expect(workflow.env.GATE_ROUNDS).toBe(String(DEFAULT_GATE_ROUNDS));
    expect(gate?.run).toContain('--smaller-is-better gate/benchmark-smaller.json --bigger-is-better gate/benchmark-bigger.json');
    expect(gate?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(gate?.run).toContain('exit $code');
  });

  it('uploads the results whatever the verdict', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.path).toBe('gate/');
  });
});
