/**
 * The calls of one timed pass that the store answered with an error (an HTTP 500, an SQL error,
 * a refused connection). They are counted, never timed: an error that comes back fast would
 * otherwise pull the latency down and hide itself. (A call that timed out is counted like any
 * error; the per-call guard remembers it and ends the store after the workload: call-timeout.ts.)
 */
export class CallErrors {
  #count = 0;
  #first: string | undefined;

  record(error: unknown): void {
    this.#count++;
    this.#first ??= messageOf(error);
  }

  get count(): number {
    return this.#count;
  }

  /** The first error's message, one line. */
  get first(): string | undefined {
    return this.#first;
  }

  /**
   * Throws when every one of `calls` failed: such a pass measured nothing, and a store that
   * refuses every call (its server went away) must fail in this phase, not report zeros.
   */
  throwIfAllFailed(calls: number, what: string): void {
    if (calls > 0 && this.#count === calls) throw new Error(`all ${calls} ${what} failed; the first: ${this.#first ?? 'no message'}`);
  }

  /** The fields a results entry carries when there were errors; none when there were not. */
  fields(): { errors?: number; firstError?: string } {
    return this.#count === 0 ? {} : { errors: this.#count, ...(this.#first !== undefined ? { firstError: this.#first } : {}) };
  }
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const line = text.split('\n')[0] ?? '';
  // Node's network errors often say only "fetch failed" and keep the reason in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message.split('\n')[0]}` : '';
  const withCode = typeof code === 'string' && !line.includes(code) ? `${line} (${code})` : line;
  return `${withCode}${cause}`.slice(0, 300);
}
