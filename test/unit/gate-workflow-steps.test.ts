import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workflowJob } from '../../scripts/gate/workflow-steps.js';

const pr = { baseSha: 'b'.repeat(40), headSha: 'h'.repeat(40) };

describe('workflowJob (scripts/run-gate-workflow.ts)', () => {
  it('reads the repository workflow: every step is one this runner can run', () => {
    const text = readFileSync(new URL('../../.github/workflows/bench-gate.yml', import.meta.url), 'utf8');
    const job = workflowJob(text, 'bench-gate.yml', pr);
    expect(job.steps.map((s) => s.kind)).toEqual(['run', 'checkout', 'checkout', 'setup-node', 'run', 'run', 'upload-artifact']);
    expect(job.steps.filter((s) => s.kind === 'checkout').map((s) => [s.path, s.sha])).toEqual([
      ['head', pr.headSha],
      ['base', pr.baseSha],
    ]);
    expect(job.steps.at(-1)).toMatchObject({ kind: 'upload-artifact', artifact: 'bench-gate-results', path: 'gate/', warnIfEmpty: true, always: true });
    expect(job.timeoutMinutes).toBe(90);
    expect(job.container).toBe('debian:12');
    expect(job.env.GATE_STORES).toBe('pgvector,weaviate');
  });

  const workflow = (steps: string) => `env:\n  X: '1'\njobs:\n  gate:\n    steps:\n${steps}`;

  it('fills in the pull request expressions and defaults', () => {
    const job = workflowJob(
      workflow(`      - uses: actions/checkout@v4\n      - run: echo \${{ github.event.pull_request.base.sha }}\n`),
      'w.yml',
      pr,
    );
    expect(job.steps).toEqual([
      { kind: 'checkout', name: 'actions/checkout@v4', path: '.', sha: pr.headSha, always: false },
      { kind: 'run', name: 'step 2', script: `echo ${pr.baseSha}`, always: false },
    ]);
    expect(job.timeoutMinutes).toBe(360);
    expect(job.env).toEqual({ X: '1' });
  });

  it('refuses, by step, an action, an expression or a condition it cannot run', () => {
    expect(() => workflowJob(workflow('      - uses: actions/cache@v4\n'), 'w.yml', pr)).toThrow(
      'w.yml jobs.gate.steps[0]: this runner does not know the action actions/cache@v4',
    );
    expect(() => workflowJob(workflow('      - run: echo ${{ secrets.TOKEN }}\n'), 'w.yml', pr)).toThrow(
      'w.yml jobs.gate.steps[0]: this runner cannot fill in ${{ secrets.TOKEN }}',
    );
    expect(() => workflowJob(workflow("      - run: echo\n        if: failure()\n"), 'w.yml', pr)).toThrow(
      'w.yml jobs.gate.steps[0]: this runner knows only if: always(), not failure()',
    );
    expect(() => workflowJob('jobs: {}', 'w.yml', pr)).toThrow('w.yml: 0 jobs; this runner runs a workflow of one job');
  });
});
