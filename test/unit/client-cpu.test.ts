import { describe, expect, it } from 'vitest';
import { CLIENT_SATURATED_FRACTION, clientCpu, clientSaturated } from '../../src/bench/metrics/client-cpu.js';

describe('clientCpu', () => {
  it('divides the process CPU by requests and by wall time', () => {
    // 1.5 s user + 0.5 s system over 4 s of wall time and 10000 requests.
    expect(clientCpu({ user: 1_500_000, system: 500_000 }, 10_000, 4)).toEqual({
      userMs: 1500,
      systemMs: 500,
      perRequestUs: 200,
      coreFraction: 0.5,
    });
  });

  it('reports 0 per request and per second when nothing was sent or no time passed', () => {
    expect(clientCpu({ user: 1000, system: 0 }, 0, 0)).toEqual({ userMs: 1, systemMs: 0, perRequestUs: 0, coreFraction: 0 });
  });

  it('flags a client that used 90% of a core or more', () => {
    expect(CLIENT_SATURATED_FRACTION).toBe(0.9);
    expect(clientSaturated(clientCpu({ user: 4_400_000, system: 100_000 }, 1, 5))).toBe(true); // exactly 0.9
    expect(clientSaturated(clientCpu({ user: 4_399_000, system: 100_000 }, 1, 5))).toBe(false);
    expect(clientSaturated({ coreFraction: 1.3 })).toBe(true);
  });
});
