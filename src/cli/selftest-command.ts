import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { STORES, findStore, knownNames, selectProfile } from '../adapters/registry.js';
import { DEFAULT_SELFTEST, runSelftest } from '../bench/selftest/run-selftest.js';
import { writeSelftestResults } from '../bench/selftest/selftest-file.js';
import { renderSelftestMarkdown } from '../report/selftest-report.js';
import { intList, positiveInt, positiveNumber } from './parse-options.js';
import { terminalProgress } from './terminal-progress.js';

interface SelftestCliOptions {
  store: string;
  vectors: number;
  dims: number;
  seconds: number;
  clients: number[];
  serialQueries: number;
  warmup: number;
  rounds: number;
  out?: string;
  quiet: boolean;
}

/** `bench selftest`: the harness against a reference client on one real server (README "Selftest"). */
export function addSelftestCommand(program: Command): void {
  const withProbe = STORES.filter((s) => s.selftest).map((s) => s.name);
  program
    .command('selftest')
    .description("measure the harness itself: its QPS and CPU per query against the store's reference client on the same server, table and query")
    .requiredOption('--store <store[:profile]>', `the store to measure on, optionally with a profile (default the store's default profile): ${withProbe.join(', ')}`)
    .option('--vectors <n>', 'rows in the table', positiveInt('--vectors'), DEFAULT_SELFTEST.vectors)
    .option('--dims <n>', 'dimensions of each (unit) vector', positiveInt('--dims'), DEFAULT_SELFTEST.dims)
    .option('--seconds <s>', 'wall time per client count and per reference run', positiveNumber('--seconds'), DEFAULT_SELFTEST.secondsPerLevel)
    .option('--clients <list>', 'client counts', intList('--clients'), [...DEFAULT_SELFTEST.clients])
    .option('--serial-queries <n>', 'queries in the serial pass', positiveInt('--serial-queries'), DEFAULT_SELFTEST.serialQueries)
    .option('--warmup <n>', 'untimed queries before measuring', positiveInt('--warmup'), DEFAULT_SELFTEST.warmupQueries)
    .option('--rounds <n>', 'repeat every client this many times per level, rotating the order; report the median round', positiveInt('--rounds'), DEFAULT_SELFTEST.rounds)
    .option('--out <file>', 'results file (default results/<time>-selftest-<store>.json; markdown beside it)')
    .option('--quiet', 'no progress output', false)
    .action(async (o: SelftestCliOptions) => {
      const [name = '', profile] = o.store.split(':');
      const definition = findStore(name);
      if (!definition) throw new Error(`--store: unknown store "${name}"; known stores: ${knownNames()}`);
      if (!definition.selftest) {
        throw new Error(`--store: ${definition.name} has no selftest (stores with one: ${withProbe.join(', ') || 'none'})`);
      }
      const selection = selectProfile(definition, profile, '--store');
      const progress = terminalProgress(o.quiet);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      const file = resolve(o.out ?? join('results', `${stamp}-selftest-${selection.definition.name}.json`));
      const results = await runSelftest({
        selection,
        options: {
          ...DEFAULT_SELFTEST,
          vectors: o.vectors,
          dims: o.dims,
          secondsPerLevel: o.seconds,
          clients: o.clients,
          serialQueries: o.serialQueries,
          warmupQueries: o.warmup,
          rounds: o.rounds,
        },
        progress,
      });
      const markdown = renderSelftestMarkdown(results);
      const reportFile = await writeSelftestResults(file, results, markdown);
      process.stdout.write(markdown);
      progress.log(`\nresults: ${file}\nreport:  ${reportFile}`);
    });
}
