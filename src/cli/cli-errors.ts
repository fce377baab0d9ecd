import { CommanderError } from 'commander';

/**
 * How the CLI ends on an error: one line `bench: <what>` on stderr, the stack only with
 * --verbose, and an exit code a script can act on:
 * 2 bad input (a flag, a dataset, a missing install: nothing was measured),
 * 1 the run itself could not finish (the disk filled up under the results file), as when a
 *   store failed.
 * Help and --version end through here too, with commander's own code 0.
 */
export const EXIT_BAD_INPUT = 2;

/**
 * An error that is not the user's input carries its own `exitCode` (ResultsWriteError: the disk
 * filled up); every other error is bad input.
 */
export function cliExitCode(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  const own = (error as { exitCode?: unknown } | undefined)?.exitCode;
  return typeof own === 'number' ? own : EXIT_BAD_INPUT;
}

/** The line (or, verbose, the stack) the user sees for `error`; empty for help and --version. */
export function cliErrorText(error: unknown, verbose: boolean): string {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return '';
    // commander's "error: unknown option '--x'"; the flags are one --help away.
    return `bench: ${error.message.replace(/^error: /, '')} (--help lists the flags)\n`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (verbose) return `bench: ${error instanceof Error && error.stack ? error.stack : message}\n`;
  const [first = '', ...rest] = message.split('\n');
  return `bench: ${first}${rest.some((l) => l.trim()) ? ' (--verbose for details)' : ''}\n`;
}
