/**
 * The steps of .github/workflows/bench-gate.yml, as scripts/run-gate-workflow.ts runs them on this
 * machine: a `run:` step is its script, and the three actions the workflow uses are done here the
 * way GitHub's runner does them for a pull request. Anything else (another action, an expression
 * this runner cannot fill in) is refused by name, so the workflow and this runner cannot drift
 * apart unnoticed.
 */
import { z } from 'zod';
import { parse } from 'yaml';

const stepSchema = z.object({
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  if: z.string().optional(),
  id: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const workflowSchema = z.object({
  env: z.record(z.string(), z.string()).default({}),
  jobs: z.record(
    z.string(),
    z.object({
      'timeout-minutes': z.number().positive().optional(),
      container: z.object({ image: z.string() }).optional(),
      steps: z.array(stepSchema).min(1),
    }),
  ),
});

/** What the runner knows of the pull request: the two commits GitHub would check out. */
export interface PullRequest {
  readonly headSha: string;
  readonly baseSha: string;
}

export type WorkflowStep =
  | { readonly kind: 'run'; readonly name: string; readonly script: string; readonly always: boolean }
  | { readonly kind: 'checkout'; readonly name: string; readonly path: string; readonly sha: string; readonly always: boolean }
  | { readonly kind: 'setup-node'; readonly name: string; readonly nodeMajor: number; readonly always: boolean }
  | {
      readonly kind: 'upload-artifact';
      readonly name: string;
      readonly artifact: string;
      readonly path: string;
      readonly warnIfEmpty: boolean;
      readonly always: boolean;
    };

export interface WorkflowJob {
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMinutes: number;
  /** The image GitHub runs the steps in; here they run on this host. */
  readonly container: string | undefined;
  readonly steps: readonly WorkflowStep[];
}

/** GitHub's default job timeout. */
const DEFAULT_TIMEOUT_MINUTES = 360;

/** The expressions the workflow may use, filled in as GitHub would for this pull request. */
function expand(text: string, where: string, pr: PullRequest): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    if (expression === 'github.event.pull_request.base.sha') return pr.baseSha;
    if (expression === 'github.event.pull_request.head.sha') return pr.headSha;
    throw new Error(`${where}: this runner cannot fill in \${{ ${expression} }}`);
  });
}

function withString(step: z.infer<typeof stepSchema>, key: string, where: string, pr: PullRequest): string | undefined {
  const value = step.with?.[key];
  return value === undefined ? undefined : expand(String(value), `${where} with.${key}`, pr);
}

/** Parses the workflow text into the one job's steps; `file` names it in errors. */
export function workflowJob(text: string, file: string, pr: PullRequest): WorkflowJob {
  const parsed = workflowSchema.safeParse(parse(text));
  if (!parsed.success) throw new Error(`${file}: not a workflow this runner reads: ${parsed.error.issues[0]?.message ?? ''}`);
  const jobs = Object.entries(parsed.data.jobs);
  if (jobs.length !== 1) throw new Error(`${file}: ${jobs.length} jobs; this runner runs a workflow of one job`);
  const [jobName, job] = jobs[0]!;
  const env = Object.fromEntries(Object.entries(parsed.data.env).map(([k, v]) => [k, expand(v, `${file} env.${k}`, pr)]));
  const steps = job.steps.map((step, i): WorkflowStep => {
    const where = `${file} jobs.${jobName}.steps[${i}]`;
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (step.if !== undefined && step.if !== 'always()') throw new Error(`${where}: this runner knows only if: always(), not ${step.if}`);
    const always = step.if === 'always()';
    if (step.run !== undefined) return { kind: 'run', name, script: expand(step.run, where, pr), always };
    const action = step.uses?.split('@')[0];
    switch (action) {
      case 'actions/checkout':
        return {
          kind: 'checkout',
          name,
          path: withString(step, 'path', where, pr) ?? '.',
          // A pull_request run checks out the head; `ref` picks another commit (the base here).
          sha: withString(step, 'ref', where, pr) ?? pr.headSha,
          always,
        };
      case 'actions/setup-node': {
        const version = withString(step, 'node-version', where, pr);
        const nodeMajor = Number.parseInt(version ?? '', 10);
        if (!Number.isInteger(nodeMajor)) throw new Error(`${where}: with.node-version ${version ?? '(none)'} is not a major version`);
        return { kind: 'setup-node', name, nodeMajor, always };
      }
      case 'actions/upload-artifact':
        return {
          kind: 'upload-artifact',
          name,
          artifact: withString(step, 'name', where, pr) ?? 'artifact',
          path: withString(step, 'path', where, pr) ?? '.',
          warnIfEmpty: (withString(step, 'if-no-files-found', where, pr) ?? 'warn') === 'warn',
          always,
        };
      default:
        throw new Error(`${where}: this runner does not know the action ${step.uses ?? '(a step with neither run nor uses)'}`);
    }
  });
  return { env, timeoutMinutes: job['timeout-minutes'] ?? DEFAULT_TIMEOUT_MINUTES, container: job.container?.image, steps };
}
