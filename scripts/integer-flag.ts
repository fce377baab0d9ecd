/**
 * An integer flag of an experiment script (parsed with node:util parseArgs, so a string): at least
 * `least`, or the script exits 2 with one line naming the flag, as bad input and not a crash.
 */
export function integerFlag(name: string, value: string | boolean | undefined, least: number): number {
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < least) {
    process.stderr.write(`--${name}: expected an integer ≥ ${least}, got ${String(value)}\n`);
    process.exit(2);
  }
  return n;
}
