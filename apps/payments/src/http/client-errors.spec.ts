import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerClientError } from './client-errors';

let fastify: FastifyInstance;
let port: number;

beforeAll(async () => {
  fastify = Fastify({ clientErrorHandler: answerClientError });
  fastify.get('/', async () => ({ ok: true }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  port = (fastify.server.address() as AddressInfo).port;
});
afterAll(() => fastify?.close());

/** Writes raw bytes and reads everything until the server closes the connection. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

function bodyOf(answer: string): unknown {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
}

it('answers a request that is not HTTP 400 in the API shape', async () => {
  const answer = await raw('HELLO THERE\r\n\r\n');
  expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  expect(bodyOf(answer)).toEqual({
    code: 'BAD_REQUEST',
    message: 'The request is not valid HTTP.',
    details: [],
  });
});

it('answers headers over the limit 431 in the API shape', async () => {
  const answer = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  expect(bodyOf(answer)).toMatchObject({ code: 'HEADERS_TOO_LARGE', details: [] });
});
