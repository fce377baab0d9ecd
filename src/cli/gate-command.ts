import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { selectStores } from '../adapters/registry.js';
import { DEFAULT_CONFIG } from '../bench/bench-config.js';
import { loadCheckout, NotComparableError, thisCheckout } from '../bench/gate/gate-side.js';
import { runGate } from '../bench/gate/run-gate.js';
import { parseSkipList, type SkippableWorkload } from '../bench/skippable-workloads.js';
import { DEFAULT_THRESHOLDS, type CompareThresholds } from '../report/compare.js';
import { EXIT_NOT_COMPARABLE, runCompare } from '../report/compare-command.js';
import { readDataset } from '../datasets/read-dataset.js';
import type { ServerPlan } from '../runtime/start-server.js';
import { assertInstalled } from './assert-installed.js';
import { intList, positiveInt, positiveNumber } from './parse-options.js';
import { terminalProgress } from './terminal-progress.js';

interface GateOptions {
  baselineRoot: string;
  stores: string;
  dataset: string;
  rounds: number;
  outDir: string;
  k: number[];
  warmup: number;
  skip: SkippableWorkload[];
  latencyThreshold: number;
  alpha: number;
  qualityDrop: number;
  smallerIsBetter?: string;
  biggerIsBetter?: string;
  quiet: boolean;
}

/** Where the gate's servers run: locally, at each recipe's default version, no memory limit. */
export const GATE_PLAN: ServerPlan = { runtime: 'local', versions: new Map(), images: new Map(), memoryLimits: new Map() };

/**
 * The rounds and thresholds the README's measured error rates are for (scripts/measure-gate.ts
 * runs the same). Alpha 0.01, not `bench compare`'s 0.05: alpha bounds the false alarms a gate
 * raises on identical code by construction, and the gate's goal is at most 1%; 16 rounds give the
 * t test across rounds the power at that alpha to catch a 10% slowdown (README "CI regression gate").
 */
export const DEFAULT_GATE_ROUNDS = 16;
export const DEFAULT_GATE_THRESHOLDS: CompareThresholds = { ...DEFAULT_THRESHOLDS, alpha: 0.01 };

/** `bench gate`: the CI regression gate in one process (README "CI regression gate"). */
export function addGateCommand(program: Command): void {
  program
    .command('gate')
    .description(
      'CI gate: the base checkout (--baseline-root) and this one search the same server in turns, round by round, ' +
        'then compare as `bench compare` does; exit 0 no regression, 1 regression, 2 not comparable',
    )
    .requiredOption('--baseline-root <dir>', 'the base checkout (npm ci done), whose adapters and search workloads are the baseline')
    .option('--stores <list>', 'stores to gate on, store:profile picks a profile', 'pgvector')
    .option('--dataset <dir>', 'dataset folder', 'datasets/linux-doc-mini')
    .option('--rounds <n>', "rounds: each sends every one of a workload's queries to each side in turn, each side on a new connection", positiveInt('--rounds'), DEFAULT_GATE_ROUNDS)
    .option('--out-dir <dir>', 'where base-NN.json, head-NN.json go', 'gate')
    .option('--k <list>', 'top-k values of the vector workload', intList('--k'), [4])
    .option('--warmup <n>', "untimed queries that open each side's untimed warm-up pass of a workload", positiveInt('--warmup'), 5)
    .option('--skip <list>', 'search workloads to leave out (filtered-vector, full-text, dify-hybrid, native-hybrid)', parseSkipList('--skip'), [])
    .option('--latency-threshold <fraction>', 'latency rise that counts', positiveNumber('--latency-threshold'), DEFAULT_GATE_THRESHOLDS.latency)
    .option('--alpha <p>', 'significance level of the t test across rounds', positiveNumber('--alpha'), DEFAULT_GATE_THRESHOLDS.alpha)
    .option('--quality-drop <delta>', 'recall / nDCG@10 drop that counts', positiveNumber('--quality-drop'), DEFAULT_GATE_THRESHOLDS.quality)
    .option('--smaller-is-better <file>', "write the head side's latencies as github-action-benchmark customSmallerIsBetter JSON")
    .option('--bigger-is-better <file>', 'write its quality as customBiggerIsBetter JSON')
    .option('--quiet', 'no progress output', false)
    .action(async (o: GateOptions) => {
      if (o.rounds < 2) throw new Error(`--rounds: ${o.rounds} round cannot be judged; the t test across rounds needs at least 2`);
      await assertInstalled(selectStores(o.stores), GATE_PLAN);
      const progress = terminalProgress(o.quiet);
      const outDir = resolve(o.outDir);
      await mkdir(outDir, { recursive: true });
      let files;
      try {
        const base = await loadCheckout('base', o.baselineRoot);
        progress.log(`reading dataset ${o.dataset}`);
        files = await runGate({
          sides: [base, thisCheckout('head')],
          stores: o.stores,
          plan: GATE_PLAN,
          dataset: await readDataset(resolve(o.dataset)),
          config: { ...DEFAULT_CONFIG, kValues: o.k, warmupQueries: o.warmup, skip: o.skip, difyInsert: false },
          rounds: o.rounds,
          outDir,
          progress,
        });
      } catch (error) {
        if (!(error instanceof NotComparableError)) throw error;
        process.stdout.write(`**Not comparable** (exit ${EXIT_NOT_COMPARABLE}):\n\n- not comparable: ${error.message}\n`);
        process.exitCode = EXIT_NOT_COMPARABLE;
        return;
      }
      const { markdown, exitCode } = await runCompare({
        baselineFiles: files.base ?? [],
        currentFiles: files.head ?? [],
        thresholds: { latency: o.latencyThreshold, alpha: o.alpha, quality: o.qualityDrop },
        ...(o.smallerIsBetter ? { smallerIsBetterFile: o.smallerIsBetter } : {}),
        ...(o.biggerIsBetter ? { biggerIsBetterFile: o.biggerIsBetter } : {}),
      });
      process.stdout.write(markdown);
      process.exitCode = exitCode;
    });
}
