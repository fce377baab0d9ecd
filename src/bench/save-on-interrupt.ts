import { interruptSignal, onInterruptSave } from '../runtime/cleanup.js';
import { harnessUsage } from './machine.js';
import { writeResults } from './results/results-file.js';
import type { Results } from './results/results-schema.js';

/**
 * While a command runs its stores, a Ctrl-C or SIGTERM writes the results so far (every store
 * finished, and which store was running) before the process exits. The store that was running
 * is not kept: its servers were stopped under it, so what it measured last is not a result.
 * Returns the unregister function, for when the command has written its final file.
 */
export function saveOnInterrupt(file: string, results: Results, running: () => string | undefined): () => void {
  return onInterruptSave(async (signal) => {
    const during = running();
    results.interrupted = { signal, ...(during !== undefined ? { during } : {}) };
    results.harness = harnessUsage();
    await writeResults(file, results);
  });
}

/** True once a signal interrupted the run: start no further store, keep no half-measured one. */
export function interrupted(): boolean {
  return interruptSignal() !== undefined;
}
