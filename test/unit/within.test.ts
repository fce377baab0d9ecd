import { describe, expect, it } from 'vitest';
import { within } from '../../src/runtime/cleanup.js';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * within() is how a stop waits for a server with a deadline. Its timer must go when the work
 * settles: an uncleared 15 s timer once kept every `bench run` process alive for 15 s after the
 * results were written.
 */
describe('within', () => {
  it('is true when the work settles first, and leaves no timer behind', async () => {
    const before = timers();
    expect(await within(Promise.resolve(), 60_000)).toBe(true);
    expect(timers()).toBe(before);
  });

  it('is false when the deadline comes first', async () => {
    expect(await within(new Promise(() => undefined), 10)).toBe(false);
  });
});
