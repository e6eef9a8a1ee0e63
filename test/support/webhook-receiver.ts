import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a receiver took: its headers and the exact bytes of its body. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  id: string;
  /** The status it was answered with. */
  status: number;
  /** When its body had arrived (Date.now()). */
  at: number;
}

/** How the receiver answers now: a status (with headers), or a callback deciding per request. */
export type Answer = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Held this long before answering. */
  delayMs?: number;
};

/**
 * A webhook endpoint for tests: a real HTTP server on loopback that records every request (and
 * every connection made to it), answering as told. `refuse()` closes the port (connections are
 * refused) and `accept()` opens it again on the same port.
 */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Connections made to it, answered or not. */
  connections: number;
  answer(answer: Answer | ((r: Received) => Answer)): void;
  refuse(): Promise<void>;
  accept(): Promise<void>;
  /** Distinct webhook-ids received and answered 2xx. */
  ids(): Set<string>;
  /** Requests answered 2xx for an id already answered 2xx (deliveries are at least once). */
  duplicates(): number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  let answer: Answer | ((r: Received) => Answer) = { status: 204 };
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server;
  const receiver: WebhookReceiver = {
    url: '',
    received,
    connections: 0,
    answer: (a) => (answer = a),
    refuse: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    accept: () => listen(),
    ids: () => new Set(accepted().map((r) => r.id)),
    duplicates: () => accepted().length - receiver.ids().size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const accepted = () => received.filter((r) => r.status >= 200 && r.status < 300);
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const r: Received = {
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            id: String(req.headers['webhook-id']),
            status: 0,
            at: Date.now(),
          };
          const a = typeof answer === 'function' ? answer(r) : answer;
          r.status = a.status;
          received.push(r);
          const send = () => res.writeHead(a.status, a.headers).end(a.body ?? '');
          if (a.delayMs) setTimeout(send, a.delayMs);
          else send();
        });
      });
      server.on('connection', (socket: Socket) => {
        receiver.connections++;
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        receiver.url = `http://127.0.0.1:${port}${path}`;
        resolve();
      });
    });
  await listen();
  return receiver;
}

/** A fresh Standard Webhooks secret. */
export const webhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
