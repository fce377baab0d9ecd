import type { HybridRule } from './bench/hybrid/dify-hybrid.js';
import type { KeywordRule } from './bench/hybrid/keyword-extractor.js';
import { Command, Option } from 'commander';
import { writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { STORES, selectStores } from './adapters/registry.js';
import { parseImages, parseMemoryLimits, parseVersions } from './cli/server-options.js';
import { DEFAULT_CONFIG, type BenchConfig } from './bench/bench-config.js';
import { runBenchmark } from './bench/run-benchmark.js';
import { runLeastMemory } from './bench/run-least-memory.js';
import { runKnowledgeBases } from './bench/run-knowledge-bases.js';
import { readResults } from './bench/results/results-file.js';
import { readDataset } from './datasets/read-dataset.js';
import { listDatasets } from './datasets/dataset-catalog.js';
import { writeSyntheticDataset } from './datasets/synthetic.js';
import { addDatasetCommands } from './datasets/datasets-cli.js';
import { addSelftestCommand } from './cli/selftest-command.js';
import { addGateCommand } from './cli/gate-command.js';
import { renderMarkdown } from './report/markdown-report.js';
import { renderCompose } from './report/compose-file.js';
import { DEFAULT_THRESHOLDS } from './report/compare.js';
import { runCompare } from './report/compare-command.js';
import { writeReport } from './report/report-files.js';
import { clientPathSection } from './report/client-path-section.js';
import { fidelityLines } from './report/fidelity-table.js';
import { HYBRID_FIDELITY } from './bench/hybrid/hybrid-fidelity.js';
import { addMergeCommand } from './report/merge-command.js';
import { terminalProgress } from './cli/terminal-progress.js';
import { clientOption } from './cli/client-option.js';
import type { ClientMode } from './bench/client-mode.js';
import { byteSize, intList, positiveInt, positiveNumber } from './cli/parse-options.js';
import { parseShard } from './cli/shard-option.js';
import type { Shard } from './bench/workers/shards.js';
import { SKIPPABLE_WORKLOADS, parseSkipList, type SkippableWorkload } from './bench/skippable-workloads.js';
import { TOOL_VERSION } from './version.js';
import { cliErrorText, cliExitCode } from './cli/cli-errors.js';
import { assertInstalled } from './cli/assert-installed.js';
import { ignoreBrokenPipes } from './cli/broken-pipe.js';
import { RUNTIMES, runtimeVersions, type RuntimeName, type ServerPlan } from './runtime/start-server.js';
import type { Results } from './bench/results/results-schema.js';
import type { Progress } from './bench/progress.js';
import { redact } from './runtime/secret.js';
import { checkEndpointsCover, parseEndpoints } from './cli/endpoint-options.js';

ignoreBrokenPipes();

const runtimeOption = () =>
  new Option('--runtime <name>', 'where servers run: local processes, docker containers, or external (already running, see --endpoint)').choices(RUNTIMES).default('local');

const DEFAULT_DATASET = 'datasets/linux-doc-minilm';
const DEFAULT_STORES = 'chroma,pgvector';

const program = new Command('bench')
  .description('vdb-bench: measure the vector stores Dify supports on the same data and queries')
  .version(TOOL_VERSION)
  .option('--verbose', 'on an error, print its whole message and stack trace', false)
  // Set before any subcommand exists, so every subcommand inherits them: a parse error becomes
  // one line and exit code 2 (cli-errors.ts), not commander's exit 1 and a page of help.
  .exitOverride()
  .configureOutput({ outputError: () => undefined });

/** The options every measuring command shares: which stores, which data, where servers run. */
function withServerOptions(command: Command, kind: string): Command {
  return command
    .option('--stores <list>', `stores, comma-separated; store:profile picks a profile (default: ${DEFAULT_STORES}; with --runtime external: the stores --endpoint names)`)
    .option('--dataset <dir>', 'dataset folder (see datasets/FORMAT.md)', DEFAULT_DATASET)
    .option('--out <file>', `results file (default results/<time>-${kind}<stores>.json)`)
    .option('--store-version <list>', 'server versions, e.g. chroma=1.0.0 (see `bench stores`)')
    .addOption(runtimeOption())
    .option('--image <list>', 'docker runtime: run these images instead, e.g. pgvector=my/pgvector:pg16')
    .option('--endpoint <list>', 'external runtime: servers already running, e.g. weaviate=http://host:8080,pgvector=postgres://user@host:5432/db (credentials from Dify\'s env variables)')
    .option('--quiet', 'no progress output (CI)', false);
}

interface ServerOptions {
  stores?: string;
  dataset: string;
  out?: string;
  storeVersion?: string;
  runtime: RuntimeName;
  image?: string;
  endpoint?: string;
  memoryLimit?: string;
  quiet: boolean;
}

/** Validates the shared options (errors name the flag) and reads the dataset. */
async function prepare(o: ServerOptions, kind: string) {
  const endpoints = parseEndpoints(o.endpoint, o.runtime);
  if (o.runtime === 'external' && kind !== '') throw new Error(`--runtime external: only \`bench run\` measures an external server`);
  const stores = selectStores(o.stores ?? (o.runtime === 'external' && endpoints.size > 0 ? [...endpoints.keys()].join(',') : DEFAULT_STORES));
  if (o.runtime === 'external') checkEndpointsCover(stores.map((s) => s.definition.name), endpoints);
  const plan: ServerPlan = {
    endpoints,
    runtime: o.runtime,
    versions: parseVersions(o.storeVersion, (d) => runtimeVersions(d, o.runtime)),
    images: parseImages(o.image, o.runtime),
    memoryLimits: parseMemoryLimits(o.memoryLimit, byteSize('--memory-limit')),
  };
  const progress = terminalProgress(o.quiet);
  progress.log(`reading dataset ${o.dataset}`);
  // The user's input is checked before the machine: a bad --dataset is named the same way
  // whether or not the stores are installed yet.
  const dataset = await readDataset(resolve(o.dataset));
  await assertInstalled(stores, plan);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const names = stores.map((s) => s.definition.name).join('-');
  const resultsFile = resolve(o.out ?? join('results', `${stamp}-${kind}${names}.json`));
  return { stores, plan, progress, dataset, resultsFile };
}

/**
 * Writes the markdown and its SVG charts beside the results file and prints the markdown; exit
 * code 1 if a store failed. (`bench report --html` makes the HTML page from the results file.)
 */
async function finish(results: Results, resultsFile: string, progress: Progress): Promise<void> {
  const reportFile = resultsFile.replace(/\.json$/, '.md');
  const { markdown } = await writeReport(results, reportFile, { html: false });
  process.stdout.write(markdown);
  progress.log(`\nresults: ${resultsFile}\nreport:  ${reportFile}`);
  if (results.stores.some((s) => s.status === 'failed')) process.exitCode = 1;
}

const memoryLimitOption = () =>
  new Option('--memory-limit <size>', 'memory limit for every server (2g) or per store (chroma=512m,pgvector=1g)');

withServerOptions(program.command('run'), '')
  .description('start each store, run every workload, write a results file and a markdown report')
  .option('--batch-size <n>', 'docs per insert call', positiveInt('--batch-size'), DEFAULT_CONFIG.batchSize)
  .option('--warmup <n>', 'untimed queries before each timed pass', positiveInt('--warmup'), DEFAULT_CONFIG.warmupQueries)
  .option('--k <list>', 'top-k values for vector search recall', intList('--k'), [...DEFAULT_CONFIG.kValues])
  .option('--concurrency <list>', 'client counts for the concurrency sweep', intList('--concurrency'), [...DEFAULT_CONFIG.concurrencyLevels])
  .option('--concurrency-seconds <s>', 'wall time per concurrency level', positiveNumber('--concurrency-seconds'), DEFAULT_CONFIG.concurrencySeconds)
  .addOption(
    new Option('--hybrid-rule <rule>', "Dify hybrid merge: dify-current (keep the higher-scored copy, Dify 1.9+) or dify-legacy (first copy)")
      .choices(['dify-current', 'dify-legacy'])
      .default(DEFAULT_CONFIG.hybridRule),
  )
  .addOption(
    new Option('--keyword-rule <rule>', 'Dify jieba keywords: dify-current (10 tags) or dify-legacy (every tag, Dify before 1.11)')
      .choices(['dify-current', 'dify-legacy'])
      .default(DEFAULT_CONFIG.keywordRule),
  )
  .option('--call-timeout <s>', 'seconds one store call may take before the store counts as hung', positiveNumber('--call-timeout'), DEFAULT_CONFIG.callTimeoutSeconds)
  .addOption(clientOption())
  .option('--no-dify-insert', "skip the second insert in Dify's indexing pattern (10 threads, hash groups per document)")
  .option('--skip <list>', `workloads to leave out, comma-separated (${SKIPPABLE_WORKLOADS.join(', ')}); insert and vector search always run`, parseSkipList('--skip'), [])
  .option('--workers <n>', 'client processes for the search and concurrency workloads (merged into one result)', positiveInt('--workers'), 1)
  .option('--shard <i/N>', 'one shard of a multi-host run: only queries i mod N and its share of clients (`bench report merge` joins shards)', parseShard('--shard'))
  .addOption(memoryLimitOption())
  .action(async (o: RunOptions) => {
    if (o.shard && o.workers > 1) throw new Error('--shard and --workers: a shard runs in one process; run more shards instead');
    const { stores, plan, progress, dataset, resultsFile } = await prepare(o, '');
    const config: BenchConfig = {
      ...DEFAULT_CONFIG,
      batchSize: o.batchSize,
      warmupQueries: o.warmup,
      kValues: o.k,
      concurrencyLevels: o.concurrency,
      concurrencySeconds: o.concurrencySeconds,
      hybridRule: o.hybridRule,
      keywordRule: o.keywordRule,
      callTimeoutSeconds: o.callTimeout,
      clientMode: o.client,
      // `--skip dify-insert` is the same as --no-dify-insert; run-store.ts checks both.
      difyInsert: o.difyInsert,
      skip: o.skip,
      workers: o.workers,
      ...(o.shard ? { shard: o.shard } : {}),
    };
    await finish(await runBenchmark({ stores, plan, dataset, config, resultsFile, progress }), resultsFile, progress);
  });

withServerOptions(program.command('memory'), 'memory-')
  .description('find the least memory limit under which each store still inserts the dataset and answers every query')
  .addOption(new Option('--min <size>', 'smallest limit tried').argParser(byteSize('--min')).default(64 * 2 ** 20, '64m'))
  .addOption(new Option('--max <size>', 'largest limit tried').argParser(byteSize('--max')).default(8 * 2 ** 30, '8g'))
  .option('--resolution <fraction>', 'stop when the bracket is this narrow', positiveNumber('--resolution'), 0.1)
  .option('--max-probes <n>', 'server starts per store at most', positiveInt('--max-probes'), 10)
  .option('--probe-timeout <s>', 'seconds one probe may take', positiveNumber('--probe-timeout'), 600)
  .action(async (o: MemoryOptions) => {
    const { stores, plan, progress, dataset, resultsFile } = await prepare(o, 'memory-');
    const results = await runLeastMemory({
      stores,
      plan,
      dataset,
      config: DEFAULT_CONFIG,
      search: { minBytes: o.min, maxBytes: o.max, resolution: o.resolution, maxProbes: o.maxProbes },
      probeTimeoutSeconds: o.probeTimeout,
      resultsFile,
      progress,
    });
    await finish(results, resultsFile, progress);
  });

withServerOptions(program.command('kb'), 'kb-')
  .description('server memory and search latency as the number of knowledge bases (collections) grows')
  .option('--kbs <list>', 'knowledge-base counts, one fresh server each', intList('--kbs'), [1, 10, 50])
  .option('--docs-per-kb <n>', 'the first n docs of the dataset, inserted into every knowledge base', positiveInt('--docs-per-kb'), 200)
  .option('--queries <n>', 'the first n queries, searched in every knowledge base (k=4)', positiveInt('--queries'), 5)
  .option('--batch-size <n>', 'docs per insert call', positiveInt('--batch-size'), DEFAULT_CONFIG.batchSize)
  .option('--step-timeout <s>', 'seconds one count (start, inserts, searches) may take', positiveNumber('--step-timeout'), 900)
  .addOption(memoryLimitOption())
  .action(async (o: KbOptions) => {
    const { stores, plan, progress, dataset, resultsFile } = await prepare(o, 'kb-');
    const results = await runKnowledgeBases({
      stores,
      plan,
      dataset,
      config: { ...DEFAULT_CONFIG, batchSize: o.batchSize, kValues: [4], warmupQueries: 0 },
      options: {
        counts: o.kbs,
        docsPerCollection: o.docsPerKb,
        queries: o.queries,
        k: 4,
        settleSeconds: DEFAULT_CONFIG.idleSeconds,
        stepTimeoutSeconds: o.stepTimeout,
      },
      resultsFile,
      progress,
    });
    await finish(results, resultsFile, progress);
  });

program
  .command('compose')
  .description('print a docker compose file running the stores as `bench run --runtime docker` does')
  .option('--stores <list>', 'stores, comma-separated (those with a docker recipe become services)', 'chroma,pgvector')
  .option('--store-version <list>', 'image versions, e.g. chroma=0.5.20')
  .addOption(memoryLimitOption())
  .action((o: { stores: string; storeVersion?: string; memoryLimit?: string }) => {
    const definitions = [...new Set(selectStores(o.stores).map((s) => s.definition))];
    const versions = parseVersions(o.storeVersion, (d) => runtimeVersions(d, 'docker'));
    if (!definitions.some((d) => d.docker)) {
      throw new Error(`--stores: none of ${definitions.map((d) => d.name).join(', ')} has a docker recipe`);
    }
    process.stdout.write(
      renderCompose(definitions, { versions, memoryLimits: parseMemoryLimits(o.memoryLimit, byteSize('--memory-limit')) }),
    );
  });

const report = program
  .command('report')
  .description('render a results file as markdown; with --out or --html also its SVG charts beside it')
  .argument('<results.json>')
  .option('--out <file>', 'write the markdown here and its charts beside it (<name>.<chart>.svg); default: stdout, no charts')
  .option('--html', 'also write <name>.html, one self-contained page (beside --out, or beside the results file)', false)
  .option('--client-path <other.json>', 'a run of the same stores with the other --client mode: adds a pooled vs Dify table')
  .action(async (file: string, o: { out?: string; html: boolean; clientPath?: string }) => {
    const results = await readResults(file);
    const appendix = o.clientPath
      ? clientPathSection({ file, results }, { file: o.clientPath, results: await readResults(o.clientPath) })
      : [];
    const out = o.out ?? (o.html ? file.replace(/\.json$/, '') + '.md' : undefined);
    if (!out) return void process.stdout.write(renderMarkdown(results, { appendix }));
    const { files } = await writeReport(results, out, { html: o.html, appendix });
    process.stderr.write(`wrote ${files.join(', ')}\n`);
  });
addMergeCommand(report);

program
  .command('compare')
  .description(
    'CI gate: compare interleaved rounds of a baseline and a candidate (README "CI regression gate"); ' +
      'exit 0 no regression, 1 regression, 2 not comparable',
  )
  .argument('[files...]', 'baseline.json current.json: one round (same as --baseline b.json --current c.json)')
  .option('--baseline <files...>', 'baseline results files, one per round')
  .option('--current <files...>', 'candidate results files, one per round, in the same round order')
  .option('--latency-threshold <fraction>', 'latency rise that counts', positiveNumber('--latency-threshold'), DEFAULT_THRESHOLDS.latency)
  .option('--alpha <p>', 'significance level of the t test across rounds', positiveNumber('--alpha'), DEFAULT_THRESHOLDS.alpha)
  .option('--quality-drop <delta>', 'recall / nDCG@10 drop that counts', positiveNumber('--quality-drop'), DEFAULT_THRESHOLDS.quality)
  .option('--smaller-is-better <file>', 'write the current side\'s latencies as github-action-benchmark customSmallerIsBetter JSON')
  .option('--bigger-is-better <file>', 'write its quality and throughput as customBiggerIsBetter JSON')
  .action(async (files: string[], o: CompareOptions) => {
    if (files.length > 0 && (o.baseline || o.current)) throw new Error('compare: give either two files or --baseline/--current, not both');
    if (files.length > 0 && files.length !== 2) throw new Error(`compare: expected baseline.json current.json, got ${files.length} file(s)`);
    const baselineFiles = o.baseline ?? files.slice(0, 1);
    const currentFiles = o.current ?? files.slice(1, 2);
    if (baselineFiles.length === 0 || currentFiles.length === 0) throw new Error('compare: --baseline and --current each need a results file');
    const { markdown, exitCode } = await runCompare({
      baselineFiles,
      currentFiles,
      thresholds: { latency: o.latencyThreshold, alpha: o.alpha, quality: o.qualityDrop },
      smallerIsBetterFile: o.smallerIsBetter,
      biggerIsBetterFile: o.biggerIsBetter,
    });
    process.stdout.write(markdown);
    process.exitCode = exitCode;
  });

interface CompareOptions {
  baseline?: string[];
  current?: string[];
  latencyThreshold: number;
  alpha: number;
  qualityDrop: number;
  smallerIsBetter?: string;
  biggerIsBetter?: string;
}

program
  .command('stores')
  .description('list the stores, their profiles, capabilities and how each is started')
  .action(() => {
    for (const store of STORES) {
      const recipe = store.local;
      const aliases = store.aliases?.length ? ` (also ${store.aliases.join(', ')})` : '';
      process.stdout.write(`${store.name}${aliases}: ${store.description}\n`);
      process.stdout.write(
        recipe
          ? `  local runtime: versions ${recipe.versions.join(', ')} (default ${recipe.defaultVersion}); install: ${recipe.installScript}\n`
          : '  local runtime: none\n',
      );
      const docker = store.docker;
      process.stdout.write(
        docker
          ? `  docker runtime: ${Object.entries(docker.images).map(([v, image]) => `${v} ${image}`).join(', ')}; ` +
              `build: ${docker.buildScript}; Dify's compose runs ${docker.upstreamImage}\n`
          : '  docker runtime: none\n',
      );
      const external = store.external;
      process.stdout.write(
        external ? `  external runtime: --endpoint ${store.name}=${external.example}; from the environment: ${external.env.join(', ')}\n` : '',
      );
      for (const [name, profile] of Object.entries(store.profiles)) {
        const c = profile.capabilities;
        const flags = [
          'vector',
          c.documentIdFilter ? 'document_id filter' : undefined,
          c.fullText ? (c.fullTextRanked ? 'full text' : 'full text (unranked)') : undefined,
          c.nativeHybrid ? 'native hybrid' : undefined,
        ].filter(Boolean);
        const marker = name === store.defaultProfile ? ' (default)' : '';
        process.stdout.write(`  profile ${name}${marker}: ${profile.description}\n    ${flags.join(', ')}; metrics ${c.metrics.join('/')}\n`);
        for (const note of c.notes) process.stdout.write(`    - ${note}\n`);
      }
      process.stdout.write(`  fidelity of the dify profile to Dify's code:\n${fidelityLines(store.fidelity).join('\n')}\n`);
    }
    process.stdout.write(`Dify hybrid (the harness's, for every store):\n${fidelityLines(HYBRID_FIDELITY).join('\n')}\n`);
  });

const datasets = program
  .command('datasets')
  .description('list the datasets under a folder, with their sizes')
  .argument('[root]', 'folder holding dataset folders', 'datasets')
  .action(async (root: string) => {
    const entries = await listDatasets(root);
    if (entries.length === 0) process.stdout.write(`no datasets under ${root}\n`);
    for (const { dir, manifest: m, bytes } of entries) {
      process.stdout.write(
        `${m.name.padEnd(24)} ${String(m.count).padStart(7)} chunks × ${m.dims} dims (${m.metric}), ` +
          `${m.queries} queries, ${m.language}, ${(bytes / 2 ** 20).toFixed(1)} MiB  ${dir}\n`,
      );
    }
  });

datasets
  .command('check')
  .description('validate a dataset folder against every rule of the format')
  .argument('<dir>')
  .action(async (dir: string) => {
    const d = await readDataset(resolve(dir));
    process.stdout.write(`${dir}: valid (${d.docs.length} docs, ${d.queries.length} queries, ${d.qrels.size} judged queries)\n`);
  });

datasets
  .command('generate')
  .description('write a seeded synthetic dataset (clustered unit vectors) for scale runs')
  .requiredOption('--out <dir>', 'folder to write')
  .option('--count <n>', 'chunks', positiveInt('--count'), 10_000)
  .option('--dims <n>', 'dimensions', positiveInt('--dims'), 384)
  .option('--queries <n>', 'queries', positiveInt('--queries'), 200)
  .option('--clusters <n>', 'clusters', positiveInt('--clusters'), 50)
  .option('--seed <n>', 'random seed', positiveInt('--seed'), 1)
  .option('--chunks-per-document <n>', 'chunks per Dify document', positiveInt('--chunks-per-document'), 10)
  .action(async (o: GenerateOptions) => {
    await mkdir(o.out, { recursive: true });
    await writeSyntheticDataset(o.out, {
      name: `synthetic-${o.count}x${o.dims}`,
      count: o.count,
      dims: o.dims,
      queries: o.queries,
      clusters: o.clusters,
      seed: o.seed,
      chunksPerDocument: o.chunksPerDocument,
    });
    process.stdout.write(`wrote ${o.out}\n`);
  });

interface RunOptions extends ServerOptions {
  batchSize: number;
  warmup: number;
  k: number[];
  concurrency: number[];
  concurrencySeconds: number;
  hybridRule: HybridRule;
  keywordRule: KeywordRule;
  callTimeout: number;
  client: ClientMode;
  difyInsert: boolean;
  skip: SkippableWorkload[];
  workers: number;
  shard?: Shard;
}

interface MemoryOptions extends ServerOptions {
  min: number;
  max: number;
  resolution: number;
  maxProbes: number;
  probeTimeout: number;
}

interface KbOptions extends ServerOptions {
  kbs: number[];
  docsPerKb: number;
  queries: number;
  batchSize: number;
  stepTimeout: number;
}

interface GenerateOptions {
  out: string;
  count: number;
  dims: number;
  queries: number;
  clusters: number;
  seed: number;
  chunksPerDocument: number;
}

addDatasetCommands(datasets);
addSelftestCommand(program);
addGateCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Redacted: an error that quotes a credential (a connection string, a header) shows none.
  process.stderr.write(redact(cliErrorText(error, process.argv.includes('--verbose'))));
  process.exit(cliExitCode(error));
});
