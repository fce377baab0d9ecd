/**
 * What happens on Ctrl-C (SIGINT), SIGTERM or SIGHUP while a run holds servers or unsaved
 * results. First signal: every server is stopped (those not gone after STOP_BUDGET_MS are killed),
 * then the results so far are written, then the process exits with 128 + the signal's number
 * (130, 143, 129), all within 10 s. A second signal: every server is killed at once,
 * synchronously, with its data directory and cgroup, and the process exits immediately.
 *
 * The handlers exist only while something is registered: otherwise a signal keeps its default
 * meaning (a test runner ending its worker, for one).
 */
type Stopper = () => Promise<void>;
/** Synchronous last resort: kill the server and remove what it holds, now. */
type Killer = () => void;
type Saver = (signal: NodeJS.Signals) => Promise<void>;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EXIT_CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
const STOP_BUDGET_MS = 7_000;
const SAVE_BUDGET_MS = 2_000;

const servers = new Map<Stopper, Killer | undefined>();
const savers = new Set<Saver>();
let interruptedBy: NodeJS.Signals | undefined;
/** The servers running when the first signal came: each unregisters as its stop begins. */
let stopping: Array<Killer | undefined> = [];

/** The signal that interrupted this run, if one did: nothing new (a server, a store) may start. */
export function interruptSignal(): NodeJS.Signals | undefined {
  return interruptedBy;
}

export function exitCodeFor(signal: NodeJS.Signals): number {
  return EXIT_CODES[signal] ?? 130;
}

/**
 * Whether `work` settles within `ms`. The timer is cleared as soon as it does, so a wait that
 * ends early leaves nothing behind to hold the process open.
 */
export function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

function killAll(killers: ReadonlyArray<Killer | undefined>): void {
  for (const kill of killers) {
    try {
      kill?.();
    } catch {
      // Best effort: the next run's orphan cleanup removes what is left.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (interruptedBy) {
    const killers = [...new Set([...stopping, ...servers.values()])];
    process.stderr.write(`\nvdb-bench: ${signal} again: killing ${killers.length} server(s), exiting now\n`);
    killAll(killers);
    process.exit(exitCodeFor(interruptedBy));
  }
  interruptedBy = signal;
  // Stopping servers under live clients makes connections fail in ways no caller is waiting for
  // (an idle client's 'error' event): expected now, and must not end the process before the
  // results are written.
  process.on('uncaughtException', () => undefined);
  process.stderr.write(`\nvdb-bench: ${signal}, stopping ${servers.size} server(s) (${signal} again to exit at once)...\n`);
  const running = [...servers.entries()];
  stopping = running.map(([, kill]) => kill);
  void (async () => {
    const stopped = await within(Promise.all(running.map(([stop]) => stop().catch(() => undefined))), STOP_BUDGET_MS);
    if (!stopped) killAll(running.map(([, kill]) => kill));
    await within(Promise.all([...savers].map((save) => save(signal).catch(() => undefined))), SAVE_BUDGET_MS);
    process.exit(exitCodeFor(signal));
  })();
}

function listen(): void {
  if (servers.size + savers.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unlisten(): void {
  if (servers.size + savers.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Registers a running server: `stop` on the first signal, `kill` on a second (or if stop hangs). */
export function onInterruptStop(stop: Stopper, kill?: Killer): () => void {
  listen();
  servers.set(stop, kill);
  return () => {
    if (servers.delete(stop)) unlisten();
  };
}

/** Registers what writes the results so far; it runs after the servers are stopped. */
export function onInterruptSave(save: Saver): () => void {
  listen();
  savers.add(save);
  return () => {
    if (savers.delete(save)) unlisten();
  };
}
