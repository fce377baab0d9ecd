/**
 * Runs .github/workflows/bench-gate.yml on this machine as GitHub runs it on a pull request from
 * --base to --head, so the workflow users copy is checked end to end where no GitHub runner exists:
 * fresh clones of both commits, `npm ci`, the gated stores installed by the head's setup, the gate,
 * the job summary and the artifacts, each step timed.
 *
 *   npx tsx scripts/run-gate-workflow.ts --base <commit> [--head HEAD] --work-dir .vdb-bench/workflow-run
 *
 * Both commits must be on a branch of this repository: a checkout clones it.
 *
 * What differs from GitHub: the steps run on this host (Debian 12, root) instead of the workflow's
 * `container:` image, since no image can be pulled here; a checkout is a clone of this repository
 * at the commit, not GitHub's merge commit; setup-node checks this Node's major version instead of
 * installing one; an artifact is copied under --work-dir/artifacts/<name>. The job's
 * timeout-minutes bounds the run. Exit code: 0 when the job succeeded, 1 when a step failed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Command } from 'commander';
import { workflowJob, type WorkflowStep } from './gate/workflow-steps.js';

const WORKFLOW = '.github/workflows/bench-gate.yml';

const o = new Command('run-gate-workflow')
  .requiredOption('--base <commit>', "the pull request's base commit")
  .option('--head <commit>', "the pull request's head commit", 'HEAD')
  .requiredOption('--work-dir <dir>', 'emptied, then holds the checkouts, the job summary and the artifacts')
  .parse()
  .opts<{ base: string; head: string; workDir: string }>();

const repo = resolve(import.meta.dirname, '..');

function git(args: string[], cwd = repo): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

const pr = { baseSha: git(['rev-parse', '--verify', `${o.base}^{commit}`]), headSha: git(['rev-parse', '--verify', `${o.head}^{commit}`]) };
// The workflow of the head commit, as GitHub reads it, not this working tree's.
const job = workflowJob(git(['show', `${pr.headSha}:${WORKFLOW}`]), `${WORKFLOW} at ${pr.headSha.slice(0, 12)}`, pr);

const work = resolve(o.workDir);
// The work dir is emptied first: never this repository or a folder holding it.
if (work === repo || repo.startsWith(`${work}${sep}`) || work === sep) {
  console.error(`--work-dir ${o.workDir}: holds this repository; give a folder of its own`);
  process.exit(2);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const summaryFile = join(work, 'step-summary.md');
writeFileSync(summaryFile, '');
const deadline = Date.now() + job.timeoutMinutes * 60_000;

console.log(`pull request ${pr.baseSha.slice(0, 12)} → ${pr.headSha.slice(0, 12)}; ${job.steps.length} steps; timeout ${job.timeoutMinutes} min`);
if (job.container) console.log(`(the workflow's container ${job.container} is not pulled: its steps run on this host)`);

/** A `run:` step: bash -e, as GitHub's default shell, in its own process group so a timeout stops it all. */
function runScript(script: string): Promise<number> {
  const file = join(work, '.step.sh');
  writeFileSync(file, script);
  const env = { ...process.env, ...job.env, CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: work, GITHUB_STEP_SUMMARY: summaryFile };
  const child = spawn('bash', ['-e', file], { cwd: work, env, stdio: 'inherit', detached: true });
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      console.error(`the job's timeout-minutes (${job.timeoutMinutes}) ran out: stopping the step`);
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }, Math.max(0, deadline - Date.now()));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

function filesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

async function runStep(step: WorkflowStep): Promise<number> {
  switch (step.kind) {
    case 'run':
      return runScript(step.script);
    case 'checkout': {
      const into = join(work, step.path);
      git(['clone', '--quiet', '--no-checkout', repo, into], work);
      git(['checkout', '--quiet', step.sha], into);
      console.log(`${step.path}: ${step.sha.slice(0, 12)}`);
      return 0;
    }
    case 'setup-node': {
      const major = Number.parseInt(process.versions.node, 10);
      if (major === step.nodeMajor) return 0;
      console.error(`this machine's Node is ${process.versions.node}; the workflow sets up ${step.nodeMajor}`);
      return 1;
    }
    case 'upload-artifact': {
      const from = join(work, step.path);
      const files = filesUnder(from);
      if (files === 0) {
        console.warn(`${step.warnIfEmpty ? 'warning' : 'error'}: no files at ${step.path}`);
        return step.warnIfEmpty ? 0 : 1;
      }
      const to = join(work, 'artifacts', step.artifact);
      cpSync(from, to, { recursive: true });
      console.log(`artifact ${step.artifact}: ${files} files (${to})`);
      return 0;
    }
  }
}

const ran: Array<{ name: string; outcome: string; seconds: number }> = [];
let failed = false;
for (const step of job.steps) {
  if (failed && !step.always) {
    ran.push({ name: step.name, outcome: 'skipped', seconds: 0 });
    continue;
  }
  console.log(`\n== ${step.name}`);
  const t0 = Date.now();
  const code =
    Date.now() >= deadline
      ? 1
      : await runStep(step).catch((error: unknown) => {
          console.error(error instanceof Error ? error.message : String(error));
          return 1;
        });
  const seconds = (Date.now() - t0) / 1000;
  ran.push({ name: step.name, outcome: code === 0 ? 'success' : `failure (exit ${code})`, seconds });
  if (code !== 0) failed = true;
}

console.log('\n| step | outcome | seconds |\n|---|---|---:|');
for (const r of ran) console.log(`| ${r.name} | ${r.outcome} | ${r.seconds.toFixed(0)} |`);
console.log(`\njob: ${failed ? 'failure' : 'success'}; job summary: ${summaryFile} (${readFileSync(summaryFile, 'utf8').length} characters)`);
process.exitCode = failed ? 1 : 0;
