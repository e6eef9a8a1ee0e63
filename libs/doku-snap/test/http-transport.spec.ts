import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createUndiciTransport, HttpTransport, TransportError } from '../src/http/transport';

let server: Server | undefined;
let transport: HttpTransport | undefined;

afterEach(async () => {
  await transport?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  transport = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, timeoutMs = 2_000, body = '{}') =>
  transport!.send({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    timeoutMs,
  });

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('HTTP transport', () => {
  it('sends method, path, query, headers and body as given, and returns the status and the whole body', async () => {
    const base = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const echo = Buffer.from(
          JSON.stringify({
            method: req.method,
            url: req.url,
            sig: req.headers['x-signature'],
            body,
            text: 'Kopi ☕ susu',
          }),
        );
        res.writeHead(409, { 'content-type': 'application/json' });
        // Split inside the multi-byte character: the bytes are decoded once, whole.
        const cut = echo.indexOf(Buffer.from('☕')) + 1;
        res.write(echo.subarray(0, cut));
        setTimeout(() => res.end(echo.subarray(cut)), 10);
      });
    });
    transport = createUndiciTransport();
    const res = await transport.send({
      url: `${base}/snap/v1.0/debit/payment-host-to-host?x=1`,
      method: 'POST',
      headers: { 'X-SIGNATURE': 'abc==' },
      body: '{"amount":"1.00"}',
      timeoutMs: 2_000,
    });
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toEqual({
      method: 'POST',
      url: '/snap/v1.0/debit/payment-host-to-host?x=1',
      sig: 'abc==',
      body: '{"amount":"1.00"}',
      text: 'Kopi ☕ susu',
    });
  });

  it('an answer whose headers never come is a timeout at the deadline', async () => {
    const base = await serve(() => undefined);
    transport = createUndiciTransport();
    const err = await failure(post(base, 150));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('no answer within 150 ms');
  });

  it('a body that trickles in, each piece in time, is a timeout once the whole call passes the deadline', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 40);
      res.on('close', () => clearInterval(drip));
    });
    transport = createUndiciTransport();
    const err = await failure(post(base, 300));
    expect(err.kind).toBe('timeout');
  });

  it('the deadline counts the wait for a free connection', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/slow') return; // holds the only connection
      res.end('{}');
    });
    transport = createUndiciTransport({ connections: 1 });
    const slow = post(`${base}/slow`, 1_000).catch((e: unknown) => e);
    const queued = await failure(post(`${base}/queued`, 150));
    expect(queued.kind).toBe('timeout');
    expect(((await slow) as TransportError).kind).toBe('timeout');
  });

  it('a refused connection and a connection cut mid-answer are network errors', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    transport = createUndiciTransport();
    expect((await failure(post(base))).kind).toBe('network');
    const refused = await failure(post('http://127.0.0.1:1'));
    expect(refused.kind).toBe('network');
    expect(refused.message).toBe('network error ECONNREFUSED');
  });

  it('a URL it cannot send to fails the call as a network error, never as a thrown exception', async () => {
    transport = createUndiciTransport();
    expect((await failure(post('not a url'))).kind).toBe('network');
  });

  it('a closed transport refuses to send, as a network error', async () => {
    const base = await serve((_req, res) => res.end('{}'));
    transport = createUndiciTransport();
    await transport.close();
    expect((await failure(post(base))).kind).toBe('network');
    transport = undefined;
  });
});
