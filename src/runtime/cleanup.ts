/**
 * Stops every server this process started when it is interrupted, so Ctrl-C or a kill never
 * leaves a store running. The signal handlers exist only while a server is running: otherwise a
 * signal keeps its default meaning (a test runner ending its worker, for one).
 */
type Stopper = () => Promise<void>;

const stoppers = new Set<Stopper>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  process.stderr.write(`\nvdb-bench: ${signal}, stopping ${stoppers.size} server(s)...\n`);
  const all = [...stoppers].map((s) => s().catch(() => undefined));
  // Bounded: whatever has not stopped after 20 s is left to the kill in each stopper.
  const timer = setTimeout(() => process.exit(130), 20_000);
  void Promise.all(all).then(() => {
    clearTimeout(timer);
    process.exit(130);
  });
}

export function onInterruptStop(stop: Stopper): () => void {
  if (stoppers.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  stoppers.add(stop);
  return () => {
    if (stoppers.delete(stop) && stoppers.size === 0) {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    }
  };
}
