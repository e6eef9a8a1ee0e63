import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { closeConnectionsWhenClosing } from './shutdown';

it('answers the request in progress when closing begins, closes its connection, and closes at once', async () => {
  const fastify = Fastify();
  closeConnectionsWhenClosing(fastify);
  let started!: () => void;
  const inProgress = new Promise<void>((resolve) => (started = resolve));
  fastify.get('/slow', async () => {
    started();
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { done: true };
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address() as AddressInfo;

  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('utf8')));
  const socketClosed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  await inProgress;
  // Without the hook the connection stays open for the keep-alive timeout (72 s), and so does
  // close(): the test times out.
  await fastify.close();
  await socketClosed;

  expect(received).toMatch(/^HTTP\/1\.1 200 /);
  expect(received).toMatch(/\r\nconnection: close\r\n/i);
  expect(received).toContain('{"done":true}');
});
