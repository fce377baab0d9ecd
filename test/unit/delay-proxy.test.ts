import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../../scripts/gate/delay-proxy.js';
import { afterAtLeast, msSince } from './fixtures/at-least.js';

// Lower bounds below are exact (the stand-in servers answer after at least their time by hrtime,
// the clock the proxy and these tests use). The upper bounds only tell a right hold from a wrong
// one, with the wrong one a whole QUERY_MS or more away: never speed targets.

/** A server that answers each message, after at least `ANSWER_MS`, with the message reversed. */
let server: Server;
let port = 0;
const ANSWER_MS = 20;

beforeAll(async () => {
  server = createServer((s) => s.on('data', (d) => void afterAtLeast(ANSWER_MS).then(() => s.write(Buffer.from([...d].reverse())))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

async function roundTrip(target: number, message: string): Promise<{ reply: string; ms: number }> {
  const socket: Socket = connect({ host: '127.0.0.1', port: target });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const t0 = process.hrtime.bigint();
  const reply = await new Promise<string>((r) => {
    socket.once('data', (d) => r(d.toString()));
    socket.write(message);
  });
  const ms = msSince(t0);
  socket.destroy();
  return { reply, ms };
}

describe('delay proxy (the slowdown measure-gate injects between client and server)', () => {
  let plain: DelayProxy;
  let slowed: DelayProxy;
  beforeAll(async () => {
    plain = await startDelayProxy(port, 0);
    slowed = await startDelayProxy(port, 0.5);
  });
  afterAll(async () => {
    await plain.close();
    await slowed.close();
  });

  it('passes bytes through unchanged', async () => {
    expect((await roundTrip(plain.port, 'abc')).reply).toBe('cba');
    expect((await roundTrip(slowed.port, 'vector')).reply).toBe('rotcev');
  });

  it('holds a reply for the fraction of the server time it measured (a lower bound, never a speed target)', async () => {
    // The server takes ≥ 20 ms, so a 0.5 slowdown holds the reply ≥ 10 ms more: ≥ 30 ms in all.
    const { ms } = await roundTrip(slowed.port, 'x');
    expect(ms).toBeGreaterThanOrEqual(ANSWER_MS * 1.5);
  });

  it('refuses a slowdown outside [0, 1]', async () => {
    await expect(startDelayProxy(port, 2)).rejects.toThrow('delay proxy: slowdown must be in [0, 1], got 2');
  });
});

describe('delay proxy: what counts as server time', () => {
  /** Answers only messages that start with "Q", after QUERY_MS; other bytes (like HTTP/2 window updates) get no answer. */
  const QUERY_MS = 200;
  let queries: Server;
  let proxy: DelayProxy;
  beforeAll(async () => {
    queries = createServer((s) => s.on('data', (d) => d.toString().startsWith('Q') && void afterAtLeast(QUERY_MS).then(() => s.write(`A${d.toString().slice(1)}`))));
    await new Promise<void>((r) => queries.listen(0, '127.0.0.1', () => r()));
    proxy = await startDelayProxy((queries.address() as { port: number }).port, 1);
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((r) => queries.close(() => r()));
  });

  async function open(): Promise<Socket> {
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    return socket;
  }

  async function ask(socket: Socket, t0: bigint): Promise<number> {
    await new Promise<void>((r) => {
      socket.once('data', () => r());
      socket.write('Q1');
    });
    return msSince(t0);
  }

  it("times from the client's last bytes before the reply, not from bytes the client sent while idle", async () => {
    const socket = await open();
    socket.write('w'); // no answer, as a window update gets none
    const idleMs = 2 * QUERY_MS;
    await new Promise((r) => setTimeout(r, idleMs));
    const ms = await ask(socket, process.hrtime.bigint());
    socket.destroy();
    // Server QUERY_MS, held 1 × that: 2 × QUERY_MS. Timed from the idle "w", the hold would be
    // idleMs + QUERY_MS: 4 × QUERY_MS in all. The bound is halfway.
    expect(ms).toBeGreaterThanOrEqual(2 * QUERY_MS);
    expect(ms).toBeLessThan(3 * QUERY_MS);
  });

  it("does not charge a reply with another connection's hold (two queries sent at once)", async () => {
    const [a, b] = [await open(), await open()];
    const t0 = process.hrtime.bigint();
    const [first, second] = (await Promise.all([ask(a, t0), ask(b, t0)])).sort((x, y) => x - y);
    a.destroy();
    b.destroy();
    // Both answered at QUERY_MS (Q); the first held Q (to 2Q), the second waited that out (the
    // hold is a busy wait) and is held its own Q (to 3Q). Charged the first's hold as its own
    // server time, it would be held 2Q (to 4Q). The bound is halfway.
    expect(first).toBeGreaterThanOrEqual(2 * QUERY_MS);
    expect(second).toBeGreaterThanOrEqual(3 * QUERY_MS);
    expect(second).toBeLessThan(3.5 * QUERY_MS);
  });
});
