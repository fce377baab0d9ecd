/**
 * A source of one memory reading, in bytes, computed the way `docker stats` shows it:
 * usage minus inactive file cache. `method` names how, and is recorded in results.
 */
export interface MemoryProbe {
  readonly method: string;
  read(): Promise<number | undefined>;
}
