import { createServer } from 'node:net';

/** Asks the kernel for an unused 127.0.0.1 port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export async function freePorts(names: readonly string[]): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  const taken = new Set<number>();
  for (const name of names) {
    // The kernel may hand the same port out twice once it is closed again; ask until distinct.
    let port = await freePort();
    for (let tries = 0; taken.has(port) && tries < 20; tries++) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}
