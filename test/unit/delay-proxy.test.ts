import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../../scripts/gate/delay-proxy.js';

/** A server that answers each message, after `answerMs`, with the message reversed. */
let server: Server;
let port = 0;
const ANSWER_MS = 20;

beforeAll(async () => {
  server = createServer((s) => s.on('data', (d) => setTimeout(() => s.write(Buffer.from([...d].reverse())), ANSWER_MS)));
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
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
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
  /** Answers only messages that start with "Q", after 100 ms; other bytes (like HTTP/2 window updates) get no answer. */
  const QUERY_MS = 100;
  let queries: Server;
  let proxy: DelayProxy;
  beforeAll(async () => {
    queries = createServer((s) => s.on('data', (d) => d.toString().startsWith('Q') && setTimeout(() => s.write(`A${d.toString().slice(1)}`), QUERY_MS)));
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
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }

  it("times from the client's last bytes before the reply, not from bytes the client sent while idle", async () => {
    const socket = await open();
    socket.write('w'); // no answer, as a window update gets none
    await new Promise((r) => setTimeout(r, 400));
    const ms = await ask(socket, process.hrtime.bigint());
    socket.destroy();
    // Server 100 ms, held 1 × 100 ms: 200 ms. Timed from the idle "w" it would hold 500 ms (600 ms in all).
    expect(ms).toBeGreaterThanOrEqual(2 * QUERY_MS);
    expect(ms).toBeLessThan(400);
  });

  it("does not charge a reply with another connection's hold (two queries sent at once)", async () => {
    const [a, b] = [await open(), await open()];
    const t0 = process.hrtime.bigint();
    const [first, second] = (await Promise.all([ask(a, t0), ask(b, t0)])).sort((x, y) => x - y);
    a.destroy();
    b.destroy();
    // Both answered at 100 ms; the first held 100 ms (to 200), the second waited that out and is
    // held its own 100 ms (to 300). Charged the first's hold as its own server time, it would be
    // held 200 ms (to 400).
    expect(first).toBeGreaterThanOrEqual(2 * QUERY_MS);
    expect(second).toBeGreaterThanOrEqual(3 * QUERY_MS);
    expect(second).toBeLessThan(370);
  });
});
