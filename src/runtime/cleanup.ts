/**
 * Stops every server this process started when it is interrupted, so Ctrl-C or a crash never
 * leaves a store running. Handlers are installed once, on first registration.
 */
type Stopper = () => Promise<void>;

const stoppers = new Set<Stopper>();
let installed = false;

export function onInterruptStop(stop: Stopper): () => void {
  install();
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nvdb-bench: ${signal}, stopping ${stoppers.size} server(s)...\n`);
      const all = [...stoppers].map((s) => s().catch(() => undefined));
      // Bounded: whatever has not stopped after 20 s is left to the kill in each stopper.
      const timer = setTimeout(() => process.exit(130), 20_000);
      void Promise.all(all).then(() => {
        clearTimeout(timer);
        process.exit(130);
      });
    });
  }
}
