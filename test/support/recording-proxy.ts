import { createServer, request, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedExchange {
  method: string;
  path: string;
  requestHeaders: IncomingHttpHeaders;
  status: number;
  responseBody: string;
}

export interface RecordingProxy {
  url: string;
  /** Where requests go; may be set after start (the target's port is not known yet). */
  target?: string;
  exchanges: RecordedExchange[];
  close(): Promise<void>;
}

/**
 * An HTTP reverse proxy on loopback that forwards everything to `target` unchanged and keeps
 * each request's headers and each answer's body: the tokens and signatures two parties
 * exchanged, which a test can then look for where they must not be (logs).
 */
export async function startRecordingProxy(target?: string): Promise<RecordingProxy> {
  const proxy: RecordingProxy = { url: '', target, exchanges: [], close: async () => undefined };
  const server = createServer((req, res) => {
    const to = new URL(req.url ?? '/', proxy.target);
    const upstream = request(
      to,
      { method: req.method, headers: { ...req.headers, host: to.host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          proxy.exchanges.push({
            method: req.method ?? '',
            path: req.url ?? '',
            requestHeaders: req.headers,
            status: answer.statusCode ?? 0,
            responseBody: body.toString('utf8'),
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
