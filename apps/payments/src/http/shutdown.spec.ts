import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { CLOSING_SERVER_OPTIONS, closeConnectionsWhenClosing } from './shutdown';

/** A raw connection to the server, recording what it answers until it closes. */
function rawConnection(fastify: FastifyInstance) {
  const { port } = fastify.server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    write: (text: string) => new Promise<void>((resolve) => socket.write(text, () => resolve())),
    /** Everything the server sent, once it has closed the connection. */
    answer: () => closed.then(() => received),
  };
}

it('answers the request in progress when closing begins, closes its connection, and closes at once', async () => {
  const fastify = Fastify(CLOSING_SERVER_OPTIONS);
  closeConnectionsWhenClosing(fastify);
  let started!: () => void;
  const inProgress = new Promise<void>((resolve) => (started = resolve));
  fastify.get('/slow', async () => {
    started();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { done: true };
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });

  const connection = rawConnection(fastify);
  await connection.write('GET /slow HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  await inProgress;
  // Without the hook the connection stays open for the keep-alive timeout (72 s), and so does
  // close(): the test times out.
  await fastify.close();
  const received = await connection.answer();

  expect(received).toMatch(/^HTTP\/1\.1 200 /);
  expect(received).toMatch(/\r\nconnection: close\r\n/i);
  expect(received).toContain('{"done":true}');
});

it('refuses a request that arrives once closing has begun with 503 in the API error shape, running no route', async () => {
  const fastify = Fastify(CLOSING_SERVER_OPTIONS);
  closeConnectionsWhenClosing(fastify);
  let closingBegan!: () => void;
  const closing = new Promise<void>((resolve) => (closingBegan = resolve));
  fastify.addHook('preClose', (done) => {
    closingBegan();
    done();
  });
  let routeRan = false;
  fastify.get('/work', async () => {
    routeRan = true;
    return { done: true };
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });

  // A request whose headers have begun is not idle: the server waits for it while closing.
  const connection = rawConnection(fastify);
  await connection.write('GET /work HTTP/1.1\r\nHost: x\r\n');
  // Time for the server to read the bytes (it shares this event loop): until then the
  // connection is idle, and closing would drop it unanswered.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const closed = fastify.close();
  await closing;
  await connection.write('\r\n');
  const received = await connection.answer();
  await closed;

  expect(routeRan).toBe(false);
  expect(received).toMatch(/^HTTP\/1\.1 503 /);
  expect(received).toMatch(/\r\nconnection: close\r\n/i);
  expect(received).toMatch(/\r\nretry-after: 1\r\n/i);
  expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toEqual({
    code: 'SHUTTING_DOWN',
    message: 'The service is shutting down; send the request again.',
    details: [],
  });
});
