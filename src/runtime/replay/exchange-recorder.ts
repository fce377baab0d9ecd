import type { RecordedExchange } from './recorded-exchange.js';

/**
 * Collects the exchanges one or more proxies forward while a recording is open, in the order
 * their requests arrived (a client that talks to two ports, e.g. REST then gRPC, keeps its
 * order). Outside a recording the proxies forward without keeping anything.
 */
export class ExchangeRecorder {
  private slots: Array<RecordedExchange | undefined> | undefined;

  /** Called by a proxy when a request arrives; the returned function files its exchange. */
  begin(): (exchange: RecordedExchange) => void {
    const slots = this.slots;
    if (!slots) return () => undefined;
    const index = slots.push(undefined) - 1;
    return (exchange) => {
      slots[index] = exchange;
    };
  }

  /** Runs `fn` and returns what it sent through the proxies, every request with its answer. */
  async record<T>(fn: () => Promise<T>): Promise<{ value: T; exchanges: RecordedExchange[] }> {
    if (this.slots) throw new Error('recording proxy: a recording is already open');
    const slots: Array<RecordedExchange | undefined> = [];
    this.slots = slots;
    try {
      const value = await fn();
      // A proxy files the exchange before it answers, so every request `fn` awaited is complete.
      const exchanges = slots.filter((e): e is RecordedExchange => e !== undefined);
      if (exchanges.length !== slots.length) {
        throw new Error(`recording proxy: ${slots.length - exchanges.length} request(s) still unanswered when the call returned`);
      }
      return { value, exchanges };
    } finally {
      this.slots = undefined;
    }
  }
}
