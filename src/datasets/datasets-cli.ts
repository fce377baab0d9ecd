import type { Command } from 'commander';
import { resolve } from 'node:path';
import { positiveInt } from '../cli/parse-options.js';
import { describeDataset, describeNeighbourCheck } from './dataset-info.js';
import { readDataset } from './read-dataset.js';
import { verifyShippedNeighbours } from './verify-neighbours.js';

/**
 * `bench datasets info|verify <path>`, for any format readDataset detects. Kept beside the
 * readers so the CLI file only wires them in.
 */
export function addDatasetCommands(datasets: Command): void {
  datasets
    .command('info')
    .description('describe a dataset in any supported format (vdb-bench, ann-benchmarks .hdf5, VectorDBBench parquet, BEIR)')
    .argument('<path>', 'dataset folder, or an ann-benchmarks .hdf5 file')
    .action(async (path: string) => {
      process.stdout.write(describeDataset(await readDataset(resolve(path))));
    });

  datasets
    .command('verify')
    .description('check every rule of the format, and shipped neighbour lists against exact ground truth on a sample')
    .argument('<path>', 'dataset folder, or an ann-benchmarks .hdf5 file')
    .option('--sample <n>', 'queries checked against exact ground truth', positiveInt('--sample'), 100)
    .option('--seed <n>', 'seed of the query sample', positiveInt('--seed'), 1)
    .action(async (path: string, o: { sample: number; seed: number }) => {
      const d = await readDataset(resolve(path));
      process.stdout.write(
        `${path}: valid ${d.format ?? 'vdb-bench'} dataset (${d.docs.length} docs, ${d.queries.length} queries, ${d.qrels.size} judged queries)\n`,
      );
      const started = performance.now();
      const check = await verifyShippedNeighbours(d, { sample: o.sample, seed: o.seed });
      process.stdout.write(describeNeighbourCheck(check));
      if (check) process.stdout.write(`  (exact ground truth for the sample took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    });
}
