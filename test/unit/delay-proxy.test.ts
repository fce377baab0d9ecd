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
