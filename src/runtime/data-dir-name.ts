/**
 * How a local server's private data directory is named: `vdb-bench-<owner pid>-<store>-XXXXXX`
 * under the temp dir (mkdtemp adds the six characters). The owner's pid lets a later run remove
 * what a crashed one left; reports replace the whole path with `$DATA_DIR` (it differs on every
 * machine and run). One place for the name, so the two cannot drift apart.
 */
export function dataDirPrefix(store: string, pid: number = process.pid): string {
  return `vdb-bench-${pid}-${store}-`;
}

/** The pid of the run that made a data directory, from its name; undefined for other entries. */
export function dataDirOwner(entry: string): number | undefined {
  const owner = Number(/^vdb-bench-(\d+)-/.exec(entry)?.[1]);
  return owner || undefined;
}

/**
 * A data directory with the path leading to it, anywhere in a command line. The pid is optional:
 * results files written before it was part of the name have `vdb-bench-<store>-XXXXXX`. The name
 * must end where a path segment ends, so a longer name is not cut short into a false match.
 */
export const DATA_DIR_IN_TEXT = /(?:\/[^\s/`'"]+)*\/vdb-bench-(?:\d+-)?[a-z0-9]+-[A-Za-z0-9]{6}(?![^\s/`'"])/g;
