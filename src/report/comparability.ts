import type { Results, StoreResult } from '../bench/results/results-schema.js';
import { clientModeOf } from '../bench/client-mode.js';

/** A results file with the name it was read from, so a problem can name the file. */
export interface NamedResults {
  readonly file: string;
  readonly results: Results;
}

/** `store` or `store:profile`, the key both sides are matched on. */
export function storeKey(s: StoreResult): string {
  return `${s.store}${s.profile === 'dify' ? '' : `:${s.profile}`}`;
}

/** The settings that shape the timed workloads; the runtime too (local and docker differ). */
const SETTINGS = ['runtime', 'batchSize', 'warmupQueries', 'kValues', 'concurrencyLevels', 'concurrencySeconds', 'hybridWeights', 'hybridRule', 'keywordRule', 'clientMode'] as const;

/** A setting as compared: a file from before the client mode existed measured the pooled path. */
function settingOf(config: Results['config'], key: (typeof SETTINGS)[number]): string {
  return JSON.stringify(key === 'clientMode' ? clientModeOf(config) : config[key]);
}

/**
 * Why two sides cannot be compared, one line per difference: another dataset, other workload
 * settings, another server version of a store both sides ran, or rounds that do not pair up.
 * Every file is checked against the first baseline, so a round that drifted is named too.
 * Empty when comparable.
 */
export function comparabilityProblems(baseline: readonly NamedResults[], current: readonly NamedResults[]): string[] {
  const problems: string[] = [];
  if (baseline.length === 0 || current.length === 0) return ['no results: give at least one baseline and one current file'];
  if (baseline.length !== current.length) {
    problems.push(
      `rounds: ${baseline.length} baseline file(s) but ${current.length} current file(s); round i pairs baseline i with current i`,
    );
  }
  const reference = baseline[0] as NamedResults;
  const ref = reference.results;
  for (const other of [...baseline.slice(1), ...current]) {
    const r = other.results;
    if (r.dataset.contentHash !== ref.dataset.contentHash) {
      problems.push(
        `dataset: ${reference.file} measured ${ref.dataset.name} (${ref.dataset.contentHash.slice(0, 12)}), ` +
          `${other.file} measured ${r.dataset.name} (${r.dataset.contentHash.slice(0, 12)})`,
      );
    }
    for (const key of SETTINGS) {
      const a = settingOf(ref.config, key);
      const b = settingOf(r.config, key);
      if (a !== b) problems.push(`workload setting ${key}: ${a} in ${reference.file}, ${b} in ${other.file}`);
    }
    for (const s of r.stores) {
      const first = ref.stores.find((x) => storeKey(x) === storeKey(s));
      if (!first?.server || !s.server) continue;
      if (first.server.version !== s.server.version) {
        problems.push(
          `store version ${storeKey(s)}: "${first.server.version}" in ${reference.file}, "${s.server.version}" in ${other.file}`,
        );
      }
    }
  }
  return problems;
}
