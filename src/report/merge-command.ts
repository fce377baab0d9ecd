import type { Command } from 'commander';
import { readResults, writeResults } from '../bench/results/results-file.js';
import { mergeShards } from './merge-shards.js';
import { writeReport } from './report-files.js';

/**
 * `bench report merge shard-*.json --out merged.json`: one results file (and its markdown report
 * beside it) from the shards of a multi-host run. Bad input (a file that is no shard of the same
 * run) is exit 2 with the file named, as every other bad input.
 */
export function addMergeCommand(report: Command): void {
  report
    .command('merge')
    .description('join the results shards of a multi-host run (bench run --shard i/N) into one results file and report')
    .argument('<shards...>', 'shard results files, e.g. shard-*.json')
    .option('--out <file>', 'the merged results file (its markdown report is written beside it)')
    .action(async (files: string[], o: { out?: string }, command: Command) => {
      // `report` has an --out of its own, which commander gives the parent when both could take it.
      const out = o.out ?? (command.parent?.opts() as { out?: string } | undefined)?.out;
      if (!out) throw new Error('report merge: --out <file> is required');
      const shards = await Promise.all(files.map(async (file) => ({ file, results: await readResults(file) })));
      const merged = mergeShards(shards);
      await writeResults(out, merged);
      const { files: written } = await writeReport(merged, out.replace(/\.json$/, '') + '.md', { html: false });
      process.stderr.write(`merged ${files.length} shards into ${out}; wrote ${written.join(', ')}\n`);
    });
}
