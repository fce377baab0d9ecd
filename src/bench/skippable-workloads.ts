/**
 * Workloads `bench run --skip` can leave out. Insert and vector search always run: every other
 * workload reads the collection they fill, and recall is what a run is for. Skipping is for runs
 * where a workload would dominate the wall time without adding a finding (full text on a million
 * synthetic chunks that Dify's pgvector query scans row by row); a skipped workload is absent from
 * the results, the skip list is recorded in the results' config, and the report names it.
 */
export const SKIPPABLE_WORKLOADS = [
  'filtered-vector',
  'full-text',
  'dify-hybrid',
  'native-hybrid',
  'concurrency',
  'delete',
  'dify-insert',
] as const;

export type SkippableWorkload = (typeof SKIPPABLE_WORKLOADS)[number];

/** `--skip full-text,dify-hybrid` → the names, each checked; an unknown one names the flag and the choices. */
export function parseSkipList(flag: string) {
  return (value: string): SkippableWorkload[] => {
    const names = value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
    for (const name of names) {
      if (!(SKIPPABLE_WORKLOADS as readonly string[]).includes(name)) {
        throw new Error(`${flag}: "${name}" is not a workload that can be skipped (${SKIPPABLE_WORKLOADS.join(', ')})`);
      }
    }
    return [...new Set(names as SkippableWorkload[])];
  };
}
