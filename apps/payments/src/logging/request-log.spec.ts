import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { NestPinoLogger } from './nest-logger';
import { logRequests } from './request-log';
import { createRootLogger } from './root-logger';

type Line = Record<string, unknown> & { msg?: string; level?: number };

function setUp(logLevel: string) {
  const lines: Line[] = [];
  const root = createRootLogger({ logLevel, role: 'api' } as AppConfig, {
    write: (line: string) => void lines.push(JSON.parse(line) as Line),
  });
  const fastify = Fastify({ genReqId: () => `req-${lines.length}-${Math.random()}` });
  logRequests(fastify, root);
  return { lines, root, fastify, nest: new NestPinoLogger(root) };
}

let fastify: FastifyInstance | undefined;
afterEach(async () => {
  await fastify?.close();
  fastify = undefined;
});

describe('request logging', () => {
  it('puts the request on every line written while serving it, after its body is read and across awaits', async () => {
    const t = setUp('info');
    fastify = t.fastify;
    t.fastify.post('/v1/payments', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      t.nest.log({ operation: 'dana_payment' }, 'doku call', 'DokuCall');
      return { received: request.body };
    });
    t.fastify.get('/other', async () => {
      t.nest.warn('something else', 'Other');
      return {};
    });
    const [created, other] = await Promise.all([
      t.fastify.inject({ method: 'POST', url: '/v1/payments', payload: { amount: 1 } }),
      t.fastify.inject({ method: 'GET', url: '/other?x=1' }),
    ]);
    expect(created.statusCode).toBe(200);

    const call = t.lines.find((l) => l.msg === 'doku call');
    expect(call).toMatchObject({
      operation: 'dana_payment',
      context: 'DokuCall',
      req: { id: expect.any(String), method: 'POST', url: '/v1/payments' },
    });
    const warned = t.lines.find((l) => l.msg === 'something else');
    expect(warned).toMatchObject({ req: { method: 'GET', url: '/other?x=1' }, context: 'Other' });
    expect((call?.req as { id: string }).id).not.toBe((warned?.req as { id: string }).id);
    expect(other.statusCode).toBe(200);
  });

  it('writes one access line per request, at error level for a 5xx, with the request and its answer', async () => {
    const t = setUp('info');
    fastify = t.fastify;
    t.fastify.get('/v1/payments/:id', async () => ({ id: 'p' }));
    t.fastify.get('/boom', async (_request, reply) => reply.status(503).send({ code: 'X' }));
    await t.fastify.inject({ method: 'GET', url: '/v1/payments/p' });
    await t.fastify.inject({ method: 'GET', url: '/boom' });
    await t.fastify.inject({ method: 'GET', url: '/no/such/route' });

    const access = t.lines.filter((l) => String(l.msg).startsWith('request '));
    expect(access).toHaveLength(3);
    expect(access[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: expect.any(String), method: 'GET', url: '/v1/payments/p' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      service: 'doku-payments',
      role: 'api',
    });
    expect(access[1]).toMatchObject({
      level: 50,
      msg: 'request errored',
      res: { statusCode: 503 },
    });
    expect(access[2]).toMatchObject({ req: { url: '/no/such/route' }, res: { statusCode: 404 } });
  });

  it('names the request a client abandoned before its answer', async () => {
    const t = setUp('info');
    fastify = t.fastify;
    let started!: () => void;
    const inProgress = new Promise<void>((resolve) => (started = resolve));
    t.fastify.get('/slow', async () => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return {};
    });
    await t.fastify.listen({ port: 0, host: '127.0.0.1' });
    const socket = connect((t.fastify.server.address() as AddressInfo).port, '127.0.0.1');
    socket.write('GET /slow?x=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    await inProgress;
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Fastify reports the abort outside the request's async scope: the hook reads the request.
    expect(t.lines.find((l) => l.msg === 'request abandoned by its client')).toMatchObject({
      req: { id: expect.any(String), method: 'GET', url: '/slow?x=1' },
    });
  });

  it('leaves probes and scrapes out, however their path is spelled, since it asks the route', async () => {
    const t = setUp('info');
    fastify = t.fastify;
    for (const path of ['/health/live', '/health/ready', '/metrics'])
      t.fastify.get(path, async () => 'ok');
    for (const url of ['/health/live', '/health/ready?full=1', '/metrics', '/health/%6Cive'])
      expect((await t.fastify.inject({ method: 'GET', url })).statusCode).toBe(200);
    expect(t.lines).toEqual([]);
  });

  it('builds no child logger per request, whether or not the request writes lines', async () => {
    const t = setUp('info');
    fastify = t.fastify;
    const child = vi.spyOn(t.root, 'child');
    t.fastify.get('/quiet', async () => {
      t.nest.debug('below the level', 'Quiet');
      return {};
    });
    t.fastify.get('/loud', async () => {
      t.nest.log('a line', 'Loud');
      t.nest.warn('another', 'Loud');
      return {};
    });
    await t.fastify.inject({ method: 'GET', url: '/quiet' });
    await t.fastify.inject({ method: 'GET', url: '/loud' });
    expect(child).not.toHaveBeenCalled();
    expect(t.lines.map((l) => [l.msg, (l.req as { url?: string })?.url])).toEqual([
      ['request completed', '/quiet'],
      ['a line', '/loud'],
      ['another', '/loud'],
      ['request completed', '/loud'],
    ]);
  });
});

describe("Nest's logger through pino", () => {
  it("writes the context, merges an object, keeps an Error as err, and reads Nest's (message, stack) call", () => {
    const t = setUp('info');
    t.nest.log('plain', 'Main');
    t.nest.warn({ refundId: 'r1' }, 'refund stuck', 'Refunds');
    const failure = new Error('database gone');
    t.nest.error(failure, 'Filter');
    t.nest.error('Unhandled', 'Error: Unhandled\n    at somewhere (x.js:1:1)', 'ExceptionsHandler');

    expect(t.lines[0]).toMatchObject({ level: 30, msg: 'plain', context: 'Main' });
    expect(t.lines[1]).toMatchObject({
      level: 40,
      msg: 'refund stuck',
      refundId: 'r1',
      context: 'Refunds',
    });
    expect(t.lines[2]).toMatchObject({
      level: 50,
      context: 'Filter',
      err: { message: 'database gone' },
    });
    expect(t.lines[3]).toMatchObject({
      level: 50,
      context: 'ExceptionsHandler',
      err: { message: 'Unhandled', stack: expect.stringContaining('at somewhere') },
    });
  });

  it('redacts secrets in what it is given', () => {
    const t = setUp('info');
    t.nest.log(
      { clientSecret: 'very-secret-value', nested: { accessToken: 'tok-123456' } },
      'x',
      'C',
    );
    expect(JSON.stringify(t.lines)).not.toMatch(/very-secret-value|tok-123456/);
  });
});
