/**
 * Measures the CI gate's error rates on this machine (README "CI regression gate"):
 *  - false alarms: A/A decisions, baseline and candidate identical;
 *  - detection: the candidate made --slowdown slower in the timed path, never by editing results:
 *    by default each of its searches is held for that fraction of its own time once the store has
 *    answered (scripts/gate/slowed-collection.ts), so the latency the gate judges is that much
 *    slower; --inject proxy holds each reply for that fraction of the server's time at a proxy
 *    between client and server instead (scripts/gate/delay-proxy.ts), a slower server, whose share
 *    of a query's latency depends on the store.
 * Each decision is what `bench gate` does (src/bench/gate/run-gate.ts): one server, every side
 * its own collection, --rounds rounds in which the sides take turns query by query (each on a new
 * connection every round), then `bench compare` over the rounds. Here a decision runs three
 * sides, B (baseline), A (identical) and D (slowed), rotating their order query by query, so every
 * decision yields one A/A verdict (B vs A) and one detection verdict (B vs D).
 *
 *   npx tsx scripts/measure-gate.ts --stores pgvector --dataset datasets/linux-doc-mini \
 *     --rounds 16 --pairs 20 --slowdown 0.1 --load none --max-minutes 60 --out-dir .vdb-bench/gate-measure/none
 *
 * Bounded: no decision starts that would end past --max-minutes. --rejudge judges the round files
 * of an earlier measurement again (this checkout's thresholds) into summary-rejudged.md, running nothing.
 * --load steady adds a process spinning one core for the whole measurement (a noisy neighbour).
 * --skip leaves workloads out as `bench gate --skip` does: a cheap look at the others (pgvector's
 * vector workloads take seconds a decision, its full text and Dify hybrid minutes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readResults } from '../src/bench/results/results-file.js';
import { DEFAULT_CONFIG } from '../src/bench/bench-config.js';
import { thisCheckout, type GateSide } from '../src/bench/gate/gate-side.js';
import { runGate } from '../src/bench/gate/run-gate.js';
import { silentProgress } from '../src/bench/progress.js';
import { parseSkipList, type SkippableWorkload } from '../src/bench/skippable-workloads.js';
import { readDataset } from '../src/datasets/read-dataset.js';
import { compareRounds, type ComparisonRow } from '../src/report/compare.js';
import { runCompare } from '../src/report/compare-command.js';
import { intList, positiveInt, positiveNumber } from '../src/cli/parse-options.js';
import { DEFAULT_GATE_ROUNDS, DEFAULT_GATE_THRESHOLDS, GATE_PLAN } from '../src/cli/gate-command.js';
import { delayRoute, type DelayProxy } from './gate/delay-proxy.js';
import { slowedCollection } from './gate/slowed-collection.js';
import { modelledAaRate } from './gate/aa-rate-model.js';

type SideName = 'B' | 'A' | 'D';

/**
 * --order: with three sides the rotation is a cycle (B A D, A D B, D B A), so one identical side
 * always comes right after the slowed one within a query's turns and the other right before it;
 * swapping B and A tells whether that, and not the sides themselves, moves an A/A comparison.
 */
function sideOrder(value: string): SideName[] {
  const names = value.split(',').map((v) => v.trim());
  if (names.length !== 3 || [...names].sort().join(',') !== 'A,B,D') {
    throw new InvalidArgumentError(`--order: expected B, A and D once each, comma-separated (e.g. B,A,D), got "${value}"`);
  }
  return names as SideName[];
}

const o = new Command('measure-gate')
  .option('--stores <list>', 'stores to gate on', 'pgvector')
  .option('--dataset <dir>', 'dataset', 'datasets/linux-doc-mini')
  .option('--rounds <n>', 'rounds per decision (bench gate\'s default)', positiveInt('--rounds'), DEFAULT_GATE_ROUNDS)
  .option('--pairs <n>', 'decisions (each one A/A and one detection)', positiveInt('--pairs'), 20)
  .option('--slowdown <fraction>', 'injected slowdown for detection', positiveNumber('--slowdown'), 0.1)
  .addOption(
    new Option('--inject <where>', 'client: each search held for the fraction of its own time; proxy: each reply for the fraction of the server time')
      .choices(['client', 'proxy'])
      .default('client'),
  )
  .addOption(new Option('--load <kind>', 'another process loading the CPU').choices(['none', 'steady']).default('none'))
  .option('--max-minutes <m>', 'stop starting decisions after this', positiveNumber('--max-minutes'), 25)
  .option('--k <list>', 'k values of the short benchmark', intList('--k'), [4])
  .option('--skip <list>', "search workloads to leave out, as bench gate's --skip", parseSkipList('--skip'), [])
  .option(
    '--order <sides>',
    "the sides' order, which roundOrder rotates (a permutation of B,A,D): which side follows which in the turns",
    sideOrder,
    ['B', 'A', 'D'],
  )
  .option('--rejudge', "run nothing: judge the round files already in --out-dir/runs again (at this checkout's thresholds)", false)
  .requiredOption('--out-dir <dir>', 'where runs and the summary go')
  .parse()
  .opts<{
    stores: string;
    dataset: string;
    rounds: number;
    pairs: number;
    slowdown: number;
    inject: 'client' | 'proxy';
    load: 'none' | 'steady';
    maxMinutes: number;
    k: number[];
    skip: SkippableWorkload[];
    order: SideName[];
    rejudge: boolean;
    outDir: string;
  }>();

interface Decision {
  readonly index: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly aaExit: number;
  readonly detectionExit: number;
  /**
   * Per store: did the A/A comparison (B baseline, A current) flag a regression; the reverse A/A
   * (A baseline, B current), which with the first makes a two-sided false-alarm count; did
   * detection flag it (B baseline, D current), and with A as the baseline (a second, correlated try).
   */
  readonly flagged: Record<string, { aa: boolean; aaReverse: boolean; detection: boolean; detectionFromA: boolean }>;
  readonly aaRows: readonly ComparisonRow[];
  readonly detectionRows: readonly ComparisonRow[];
  readonly failedRuns: number;
}

const started = Date.now();
const loadAtStart = loadavg()[0] ?? 0;
const outDir = resolve(o.outDir);
const command = `npx tsx scripts/measure-gate.ts ${process.argv.slice(2).join(' ')}`;

const proxies: DelayProxy[] = [];

/**
 * This checkout as side `name`, made `slowdown` slower where --inject says: `client`, each search
 * held for that fraction of its own time (the latency the gate judges); `proxy`, each reply held
 * for that fraction of the server's time at a proxy between client and server (every side then
 * goes through a proxy, B and A with no hold, so the proxy's own cost is on every side).
 */
function side(name: string, slowdown: number): GateSide {
  const own = thisCheckout(name);
  if (o.inject === 'proxy') return { ...own, route: delayRoute(slowdown, proxies) };
  if (slowdown === 0) return own;
  return { ...own, runSearchWorkload: (ctx, workload) => own.runSearchWorkload({ ...ctx, collection: slowedCollection(ctx.collection, slowdown) }, workload) };
}

const dataset = await readDataset(resolve(o.dataset));

function startLoad(): ChildProcess | undefined {
  if (o.load === 'none') return undefined;
  // Spins one core until killed, and ends itself after the budget in any case.
  const ms = Math.ceil(o.maxMinutes * 60_000 + 600_000);
  return spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], { stdio: 'ignore' });
}

function wilsonUpper(k: number, n: number): number {
  if (n === 0) return 1;
  const z = 1.959964;
  const p = k / n;
  const centre = p + (z * z) / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (centre + margin) / (1 + (z * z) / n);
}

function wilsonLower(k: number, n: number): number {
  return 1 - wilsonUpper(n - k, n);
}

async function decide(index: number): Promise<Decision> {
  const t0 = Date.now();
  const files = await runGate({
    sides: o.order.map((name) => side(name, name === 'D' ? o.slowdown : 0)),
    stores: o.stores,
    plan: GATE_PLAN,
    dataset,
    config: { ...DEFAULT_CONFIG, kValues: o.k, warmupQueries: 5, skip: o.skip, difyInsert: false },
    rounds: o.rounds,
    outDir: join(outDir, 'runs', `d${String(index).padStart(2, '0')}`),
    progress: silentProgress,
  }).finally(async () => {
    for (const p of proxies.splice(0)) await p.close();
  });
  return judge(index, (Date.now() - t0) / 1000, files);
}

/** A decision's verdicts from its round files (B, A and D, in round order). */
async function judge(index: number, seconds: number, files: Record<string, string[]>): Promise<Decision> {
  const B = files.B ?? [];
  const A = files.A ?? [];
  const D = files.D ?? [];
  const aa = await runCompare({ baselineFiles: B, currentFiles: A, thresholds: DEFAULT_GATE_THRESHOLDS });
  const det = await runCompare({ baselineFiles: B, currentFiles: D, thresholds: DEFAULT_GATE_THRESHOLDS });
  const named = async (list: string[]) => Promise.all(list.map(async (file) => ({ file, results: await readResults(file) })));
  const [b, a, dd] = [await named(B), await named(A), await named(D)];
  const failedRuns = [...b, ...a, ...dd].filter((f) => f.results.stores.some((s) => s.status === 'failed')).length;
  const aaRows = aa.exitCode === 2 ? [] : compareRounds(b, a, DEFAULT_GATE_THRESHOLDS);
  const detectionRows = det.exitCode === 2 ? [] : compareRounds(b, dd, DEFAULT_GATE_THRESHOLDS);
  const reverseRows = aa.exitCode === 2 ? [] : compareRounds(a, b, DEFAULT_GATE_THRESHOLDS);
  const fromARows = det.exitCode === 2 ? [] : compareRounds(a, dd, DEFAULT_GATE_THRESHOLDS);
  const regressed = (rows: readonly ComparisonRow[], store: string) => rows.some((r) => r.store === store && r.verdict === 'regression');
  const flagged: Decision['flagged'] = {};
  for (const store of new Set([...aaRows, ...detectionRows].map((r) => r.store))) {
    flagged[store] = {
      aa: regressed(aaRows, store),
      aaReverse: regressed(reverseRows, store),
      detection: regressed(detectionRows, store),
      detectionFromA: regressed(fromARows, store),
    };
  }
  return { index, seconds, rounds: B.length, aaExit: aa.exitCode, detectionExit: det.exitCode, flagged, aaRows, detectionRows, failedRuns };
}

/** How long the decisions took, from the measurement's decisions.json; rounds copied from several measurements have none. */
function measuredMinutes(decisions: readonly Decision[]): string {
  const seconds = decisions.reduce((a, d) => a + d.seconds, 0);
  return seconds > 0 ? `the measurement itself took ${(seconds / 60).toFixed(1)} min` : 'no decisions.json here: how long they took is in each measurement\'s own summary';
}

function thresholds(): string {
  return `${(DEFAULT_GATE_THRESHOLDS.latency * 100).toFixed(0)}% and alpha ${DEFAULT_GATE_THRESHOLDS.alpha}`;
}

function summarize(decisions: readonly Decision[], stoppedBy: string): string {
  const stores = [...new Set(decisions.flatMap((d) => Object.keys(d.flagged)))];
  const lines = [
    `# CI gate error rates: ${o.stores} on ${o.dataset}`,
    '',
    `Command: \`${command}\``,
    '',
    o.rejudge
      ? `Decisions: ${decisions.length}, judged again from their round files (--rejudge), ${decisions[0]?.rounds ?? 0} rounds each, ` +
        `thresholds: ${thresholds()}; ${measuredMinutes(decisions)}.`
      : `Decisions: ${decisions.length} (asked ${o.pairs}; ${stoppedBy}), ${o.rounds} rounds each (bench gate: one process, one server), ` +
        `injected slowdown ${(o.slowdown * 100).toFixed(0)}% of ${o.inject === 'client' ? "each search's own time (client)" : 'server time (proxy)'}, load: ${o.load}, thresholds: ${thresholds()}, ` +
        `${((Date.now() - started) / 60000).toFixed(1)} min, round files with a failed store: ${decisions.reduce((a, d) => a + d.failedRuns, 0)}; ` +
        `1-min load average ${loadAtStart.toFixed(2)} at the start, ${(loadavg()[0] ?? 0).toFixed(2)} at the end (${cpus().length} cores).`,
    '',
    '| store | A/A flagged (false alarms) | 95% upper bound | A/A flagged either direction | slowdown caught | 95% lower bound | caught with A as baseline |',
    '| :-- | --: | --: | --: | --: | --: | --: |',
  ];
  for (const store of stores) {
    const n = decisions.filter((d) => d.flagged[store]).length;
    const fa = decisions.filter((d) => d.flagged[store]?.aa).length;
    const either = decisions.filter((d) => d.flagged[store]?.aa || d.flagged[store]?.aaReverse).length;
    const hit = decisions.filter((d) => d.flagged[store]?.detection).length;
    const hitFromA = decisions.filter((d) => d.flagged[store]?.detectionFromA).length;
    lines.push(
      `| ${store} | ${fa}/${n} | ${(wilsonUpper(fa, n) * 100).toFixed(0)}% | ${either}/${n} | ${hit}/${n} | ` +
        `${(wilsonLower(hit, n) * 100).toFixed(0)}% | ${hitFromA}/${n} |`,
    );
  }
  lines.push('', 'Per workload: mean (min…max) change the gate computed over the decisions; A/A shows the noise left after interleaving.', '');
  // With independent rounds, identical sides' t statistics spread as Student's t: an RMS of
  // sqrt(df / (df − 2)) (1.07 at 16 rounds). More means a state that outlasts a round (or a
  // decision), which the t test does not see: the p-values are then too small.
  const calibrated = o.rounds > 3 ? Math.sqrt((o.rounds - 1) / (o.rounds - 3)) : Number.NaN;
  lines.push(
    `| store | workload | A/A change | A/A flagged | A/A t, RMS (${calibrated.toFixed(2)} if calibrated) | A/A decision means: SD (rounds predict) | A/A rate, modelled | slowed change | slowed flagged |`,
    '| :-- | :-- | --: | --: | --: | --: | --: | --: | --: |',
  );
  const judged = judgedWorkloads(decisions);
  const keyOf = (r: ComparisonRow): string => `${r.store}|${r.workload}`;
  const latency = (rows: readonly ComparisonRow[]) => rows.filter((r) => r.metric === 'p50 ms' && Number.isFinite(r.baseline));
  const keys = [...new Set(decisions.flatMap((d) => latency(d.aaRows).map(keyOf)))];
  const stat = (values: number[]): string =>
    values.length === 0
      ? '–'
      : `${fmt(values.reduce((a, v) => a + v, 0) / values.length)} (${fmt(Math.min(...values))}…${fmt(Math.max(...values))})`;
  for (const key of keys) {
    const pick = (f: (d: Decision) => readonly ComparisonRow[]) => decisions.flatMap((d) => latency(f(d)).filter((r) => keyOf(r) === key));
    const aa = pick((d) => d.aaRows);
    const det = pick((d) => d.detectionRows);
    const [store, workload] = key.split('|');
    lines.push(
      `| ${store} | ${workload} | ${stat(aa.map((r) => r.current / r.baseline - 1))} | ${aa.filter((r) => r.verdict === 'regression').length}/${aa.length} | ` +
        `${rms(aa.flatMap((r) => (r.t === undefined || !Number.isFinite(r.t) ? [] : [r.t])))} | ${spread(aa, judged.get(store ?? '') ?? 1, decisions[0]?.rounds ?? o.rounds)} | ` +
        `${stat(det.map((r) => r.current / r.baseline - 1))} | ${det.filter((r) => r.verdict === 'regression').length}/${det.length} |`,
    );
  }
  lines.push('', ...calibration(decisions));
  return `${lines.join('\n')}\n`;
}

/**
 * How the A/A decisions' mean log ratios spread (root mean square about 0) against what their rounds
 * predict (each decision's standard error, |mean / t|), and the false-alarm rate that spread implies
 * (scripts/gate/aa-rate-model.ts): more spread than predicted is a state lasting a whole decision.
 */
function spread(aa: readonly ComparisonRow[], workloads: number, rounds: number): string {
  const usable = aa.filter((r) => r.t !== undefined && Number.isFinite(r.t) && r.t !== 0 && r.current > 0 && r.baseline > 0);
  if (usable.length < 2) return '– | –';
  const means = usable.map((r) => Math.log(r.current / r.baseline));
  const errors = usable.map((r, i) => Math.abs((means[i] as number) / (r.t as number)));
  const decisionSd = Math.sqrt(means.reduce((a, m) => a + m * m, 0) / means.length);
  const predicted = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
  const rate = modelledAaRate({
    rounds,
    roundSd: predicted * Math.sqrt(rounds),
    decisionSd,
    floorLog: Math.log(1 + DEFAULT_GATE_THRESHOLDS.latency),
    level: DEFAULT_GATE_THRESHOLDS.alpha / workloads,
  });
  return `${decisionSd.toFixed(3)} (${predicted.toFixed(3)}) | ${(rate * 100).toFixed(1)}%`;
}

function rms(values: readonly number[]): string {
  return values.length === 0 ? '–' : Math.sqrt(values.reduce((a, v) => a + v * v, 0) / values.length).toFixed(2);
}

/**
 * Whether the t test across rounds is calibrated on this machine: on identical sides its one-sided
 * p-values should be uniform, so a fraction `level` of them falls below `level`. Far more below
 * would mean rounds that are not independent, and a false-alarm rate above alpha.
 */
function calibration(decisions: readonly Decision[]): string[] {
  const ps = decisions.flatMap((d) => d.aaRows.flatMap((r) => (r.pSlower === undefined ? [] : [r.pSlower])));
  if (ps.length === 0) return [];
  // The last level is the one a workload is judged at: alpha over the store's workloads (Bonferroni).
  const workloads = Math.max(1, ...judgedWorkloads(decisions).values());
  const levels = [0.5, 0.25, 0.1, 0.05, 0.01, DEFAULT_GATE_THRESHOLDS.alpha / workloads];
  const share = (level: number) => `${ps.filter((p) => p < level).length}/${ps.length} (${((ps.filter((p) => p < level).length / ps.length) * 100).toFixed(0)}%)`;
  return [
    `A/A calibration: the one-sided p-values of every A/A workload test (before Bonferroni); with independent rounds and no ` +
      `difference between the sides a fraction p of them falls below p. The last column is the level a workload is judged at; ` +
      `only a change above the ${(DEFAULT_GATE_THRESHOLDS.latency * 100).toFixed(0)}% floor as well is flagged.`,
    '',
    `| below | ${levels.map((l) => String(Number(l.toPrecision(2)))).join(' | ')} |`,
    `| :-- | ${levels.map(() => '--:').join(' | ')} |`,
    `| A/A tests | ${levels.map(share).join(' | ')} |`,
    '',
    `A/A decisions with a workload below ${Number((levels.at(-1) as number).toPrecision(2))} (false alarms but for the floor): ` +
      `${decisions.filter((d) => d.aaRows.some((r) => r.pSlower !== undefined && r.pSlower < (levels.at(-1) as number))).length}/${decisions.length}.`,
  ];
}

/** Per store, how many workloads its latency is judged on: alpha is split over them (Bonferroni). */
function judgedWorkloads(decisions: readonly Decision[]): Map<string, number> {
  const judged = new Map<string, Set<string>>();
  for (const r of decisions.flatMap((d) => d.aaRows)) if (r.pSlower !== undefined) judged.set(r.store, (judged.get(r.store) ?? new Set()).add(r.workload));
  return new Map([...judged].map(([store, workloads]) => [store, workloads.size]));
}

function fmt(v: number): string {
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
}

/** The decisions of an earlier measurement, judged again from its round files. */
async function rejudged(): Promise<Decision[]> {
  const runs = join(outDir, 'runs');
  const earlier = JSON.parse(await readFile(join(outDir, 'decisions.json'), 'utf8').catch(() => '[]')) as Array<{ seconds: number }>;
  const dirs = (await readdir(runs)).filter((d) => /^d\d+$/.test(d)).sort();
  const decisions: Decision[] = [];
  for (const [index, dir] of dirs.entries()) {
    const names = (await readdir(join(runs, dir))).filter((f) => /^[BAD]-\d+\.json$/.test(f)).sort();
    const files = Object.fromEntries(['B', 'A', 'D'].map((side) => [side, names.filter((f) => f.startsWith(`${side}-`)).map((f) => join(runs, dir, f))]));
    const counts = new Set(Object.values(files).map((f) => f.length));
    // A decision stopped part-way has fewer files for some side (or none): not a decision.
    if (counts.size !== 1 || counts.has(0)) {
      process.stderr.write(`${join(runs, dir)}: not every side has every round, left out\n`);
      continue;
    }
    decisions.push(await judge(index, earlier[index]?.seconds ?? 0, files));
  }
  return decisions;
}

if (o.rejudge) {
  const again = await rejudged();
  const summary = summarize(again, 'judged again from the round files (--rejudge)');
  // Beside the measurement's own summary, which keeps what only the run knew (load, minutes).
  await writeFile(join(outDir, 'summary-rejudged.md'), summary);
  process.stdout.write(summary);
  process.exit(0);
}

await mkdir(join(outDir, 'runs'), { recursive: true });
const load = startLoad();
const decisions: Decision[] = [];
let stoppedBy = 'all done';
try {
  for (let i = 0; i < o.pairs; i++) {
    const elapsed = (Date.now() - started) / 1000;
    const typical = decisions.length ? decisions.reduce((a, d) => a + d.seconds, 0) / decisions.length : 0;
    if (elapsed + typical > o.maxMinutes * 60) {
      stoppedBy = `stopped by --max-minutes ${o.maxMinutes}`;
      break;
    }
    const d = await decide(i);
    decisions.push(d);
    process.stderr.write(
      `decision ${i + 1}: ${d.seconds.toFixed(0)} s, A/A exit ${d.aaExit}, detection exit ${d.detectionExit}, ` +
        `${Object.entries(d.flagged).map(([s, f]) => `${s} ${JSON.stringify(f)}`).join('; ')}, load ${loadavg()[0]?.toFixed(2)}\n`,
    );
    await writeFile(join(outDir, 'decisions.json'), `${JSON.stringify(decisions, null, 1)}\n`);
    await writeFile(join(outDir, 'summary.md'), summarize(decisions, 'in progress'));
  }
} finally {
  if (load?.pid) process.kill(load.pid, 'SIGKILL');
}
const summary = summarize(decisions, stoppedBy);
await writeFile(join(outDir, 'summary.md'), summary);
process.stdout.write(summary);
