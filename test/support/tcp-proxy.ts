import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  host: string;
  port: number;
  /** Refuses new connections and cuts the open ones, as when the server behind goes away. */
  down(): Promise<void>;
  /**
   * Keeps every connection open and silent, old and new, as a server behind a dead network
   * path: clients wait for their own timeouts.
   */
  stall(): Promise<void>;
  /** Accepts and forwards connections again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback in front of `target` that a test can take down and bring back, to
 * play an outage of PostgreSQL or Redis without touching the real server.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const makeServer = () =>
    createServer((client) => {
      track(client);
      if (stalled) return;
      const upstream = createConnection(target);
      track(upstream);
      // Bytes are dropped while stalled (the connection hangs); `up` then cuts it.
      client.on('data', (d: Buffer) => stalled || upstream.write(d));
      upstream.on('data', (d: Buffer) => stalled || client.write(d));
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
  const listen = (server: Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const shut = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  const down = async () => {
    if (!server) return;
    const s = server;
    server = undefined;
    await shut(s);
  };

  let server: Server | undefined = makeServer();
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    down,
    async stall() {
      stalled = true;
      if (!server) {
        server = makeServer();
        await listen(server, port);
      }
    },
    async up() {
      if (stalled) {
        stalled = false;
        for (const s of sockets) s.destroy();
      }
      if (server) return;
      server = makeServer();
      await listen(server, port);
    },
    close: () => down(),
  };
}
