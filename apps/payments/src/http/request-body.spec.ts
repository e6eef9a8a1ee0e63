import Fastify, { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error';
import { installBodyParsers, RequestWithRawBody } from './request-body';

let fastify: FastifyInstance;

beforeAll(async () => {
  fastify = Fastify({ bodyLimit: 1024 });
  installBodyParsers(fastify);
  fastify.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    const status = err instanceof ApiError ? err.status : (err.statusCode ?? 500);
    void reply.status(status).send({ message: err.message });
  });
  const echo = (request: RequestWithRawBody) => ({
    body: request.body ?? null,
    raw: request.rawBody?.toString('utf8') ?? null,
  });
  fastify.post('/api', async (request) => echo(request));
  fastify.post('/doku', { config: { rawBodyOnly: true } }, async (request) => echo(request));
  await fastify.ready();
});
afterAll(() => fastify?.close());

const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  fastify.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('request bodies', () => {
  it('parses JSON and keeps the bytes as received', async () => {
    const text = '{ "amount" : {"value":"15000.00"} ,"note":"a constructor of prototypes" }';
    const res = await post('/api', text);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      body: { amount: { value: '15000.00' }, note: 'a constructor of prototypes' },
      raw: text,
    });
  });

  it.each([
    ['__proto__ at the top', '{"__proto__": {"isAdmin": true}}', '__proto__'],
    ['constructor.prototype', '{"constructor": {"prototype": {"isAdmin": true}}}', 'prototype'],
    ['a key deep down', '{"a": [{"b": {"prototype": 1}}]}', 'prototype'],
    ['a key spelled with escapes', '{"\\u005f_proto__": {"isAdmin": true}}', '__proto__'],
  ])('refuses %s as what it is, naming the key', async (_name, text, key) => {
    const res = await post('/api', text);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ message: `A key named ${key} is not accepted in a JSON body.` });
  });

  it('refuses malformed JSON as not valid JSON', async () => {
    const res = await post('/api', '{"a": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ message: 'The request body is not valid JSON.' });
  });

  it('refuses a key given twice in one object, rather than keeping the last', async () => {
    const res = await post('/api', '{"amount":{"value":"1.00","currency":"IDR","value":"9.00"}}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ message: 'The key value appears twice in one object.' });
  });

  it('parses +json media types too, and refuses a body of another type or of none, naming it (415)', async () => {
    const merge = await post('/api', '{"a":1}', {
      'content-type': 'application/merge-patch+json; charset=utf-8',
    });
    expect(merge.json()).toEqual({ body: { a: 1 }, raw: '{"a":1}' });
    const text = await post('/api', 'a=1', { 'content-type': 'text/plain; charset=utf-8' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toEqual({
      message: 'The body must be JSON (Content-Type: application/json), not text/plain.',
    });
    const none = await fastify.inject({ method: 'POST', url: '/api', payload: '{"a":1}' });
    expect(none.statusCode).toBe(415);
    // No body at all needs no type.
    expect((await fastify.inject({ method: 'POST', url: '/api' })).statusCode).toBe(200);
  });

  it('takes an empty JSON body as an empty object, so validation can name the missing fields', async () => {
    expect((await post('/api', '')).json()).toEqual({ body: {}, raw: '' });
    expect((await post('/api', ' \n')).json()).toEqual({ body: {}, raw: ' \n' });
  });

  it('refuses JSON declared in another charset than UTF-8 (415), and takes UTF-8 declared', async () => {
    for (const charset of ['latin1', 'utf-16', '"iso-8859-1"']) {
      const res = await post('/api', '{"a":1}', {
        'content-type': `application/json; charset=${charset}`,
      });
      expect(res.statusCode).toBe(415);
    }
    for (const charset of ['utf-8', 'UTF-8', '"utf8"']) {
      const res = await post('/api', '{"a":"é"}', {
        'content-type': `application/json; charset=${charset}`,
      });
      expect(res.json()).toEqual({ body: { a: 'é' }, raw: '{"a":"é"}' });
    }
  });

  it('gives raw-body routes the bytes only, even when they are not JSON', async () => {
    const res = await post('/doku', '{"__proto__": not json');
    expect(res.json()).toEqual({ body: null, raw: '{"__proto__": not json' });
  });

  it('refuses a compressed body and one over the limit', async () => {
    const gzip = await post('/api', '{"a":1}', { 'content-encoding': 'gzip' });
    expect(gzip.statusCode).toBe(415);
    expect((await post('/api', '{"a":1}', { 'content-encoding': 'identity' })).statusCode).toBe(
      200,
    );
    expect((await post('/api', JSON.stringify({ a: 'x'.repeat(2000) }))).statusCode).toBe(413);
  });
});
