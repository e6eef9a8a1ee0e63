import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayment, paidPayment } from './support/flows';
import { SIMULATED_QRIS_TERMINAL } from '@app/doku-snap';
import { Harness, paymentBody, startHarness } from './support/harness';
import { VA_BINS_ENV } from './support/virtual-accounts';

let h: Harness;
let document: OpenAPIV3.Document;
let resolved: OpenAPIV3.Document;

beforeAll(async () => {
  h = await startHarness({
    env: {
      REFUND_BACKOFF_MS: '50',
      OUTBOX_RELAY_EVERY_MS: '200',
      CHANNELS: 'DANA,VA_BCA,QRIS',
      DOKU_VA_BINS: VA_BINS_ENV,
      DOKU_QRIS_MERCHANT_ID: SIMULATED_QRIS_TERMINAL.merchantId,
      DOKU_QRIS_TERMINAL_ID: SIMULATED_QRIS_TERMINAL.terminalId,
      DOKU_QRIS_POSTAL_CODE: SIMULATED_QRIS_TERMINAL.postalCode,
    },
  });
  document = (await h.http.get('/docs-json')).body as OpenAPIV3.Document;
  resolved = (await SwaggerParser.dereference(structuredClone(document))) as OpenAPIV3.Document;
});
afterAll(() => h?.close());

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Every route Fastify serves, as `METHOD /path/{param}` (HEAD, which Fastify adds, left out). */
function servedRoutes(fastify: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const [, segment, methods] = /── (\S+) \(([^)]*)\)/.exec(line) ?? [];
    stack.length = depth;
    stack.push(segment ?? line.slice(at + 3).trim());
    if (!methods) continue;
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of methods.split(', '))
      if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

function documentedRoutes(): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item ?? {})
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** OpenAPI 3.0's `nullable` as JSON Schema; objects closed, so that an undocumented field fails. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const { nullable, example: _example, ...rest } = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest))
    out[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonSchema(v)]),
          )
        : jsonSchema(value);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validators = new Map<string, ValidateFunction>();

/** Checks an answer against the document: its status documented for the route, its body the schema. */
function expectDocumented(method: Method, path: string, res: Response): void {
  const operation = resolved.paths[path]?.[method];
  expect(operation, `${method} ${path} documented`).toBeDefined();
  const response = operation!.responses[String(res.status)] as OpenAPIV3.ResponseObject;
  expect(response, `${method.toUpperCase()} ${path} documents ${res.status}`).toBeDefined();
  const schema = response.content?.['application/json']?.schema;
  expect(schema, `${res.status} of ${path} has a body schema`).toBeDefined();
  const key = `${method} ${path} ${res.status}`;
  if (!validators.has(key)) validators.set(key, ajv.compile(jsonSchema(schema) as object));
  const validate = validators.get(key)!;
  expect(validate(res.body), `${key}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI', async () => {
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it('documents exactly the internal API the service serves', () => {
    const internal = servedRoutes(h.app.getHttpAdapter().getInstance() as FastifyInstance).filter(
      (route) => / \/v1\//.test(route),
    );
    expect(internal.length).toBeGreaterThan(5);
    expect(documentedRoutes().sort()).toEqual(internal.sort());
  });

  it('names the API key for what it is, and each route the key and its errors', () => {
    expect(document.components?.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(JSON.stringify(document.components?.securitySchemes)).not.toMatch(/jwt/i);
    for (const [path, item] of Object.entries(resolved.paths)) {
      for (const method of ['get', 'post'] as const) {
        const operation = item?.[method];
        if (!operation) continue;
        const route = `${method.toUpperCase()} ${path}`;
        expect(operation.security, route).toEqual([{ apiKey: [] }]);
        for (const status of ['400', '401', '429', '503'])
          expect(Object.keys(operation.responses), route).toContain(status);
        if (method === 'post')
          for (const status of ['413', '415'])
            expect(Object.keys(operation.responses), route).toContain(status);
        if (path.includes('{id}')) expect(Object.keys(operation.responses), route).toContain('404');
        const headers = ((operation.parameters ?? []) as OpenAPIV3.ParameterObject[])
          .filter((p) => p.in === 'header')
          .map((p) => p.name.toLowerCase());
        expect(new Set(headers).size, `${route}: a header listed twice`).toBe(headers.length);
      }
    }
    for (const path of ['/v1/payments', '/v1/payments/{id}/refunds']) {
      const header = (resolved.paths[path]!.post!.parameters as OpenAPIV3.ParameterObject[]).find(
        (p) => p.name === 'Idempotency-Key',
      );
      expect(header).toMatchObject({ in: 'header', required: false });
    }
  });
});

describe('every route answers as documented', () => {
  const auth = () => h.auth;
  const idr = (value: string) => ({ value, currency: 'IDR' });
  const missing = '00000000-0000-4000-8000-000000000000';

  it('payments: created, read, listed, checked, their history and refunds, and their errors', async () => {
    const post = (body: unknown) =>
      h.http
        .post('/v1/payments')
        .set(auth())
        .send(body as object);
    const created = await post(paymentBody({ metadata: { a: 'b' } }));
    expectDocumented('post', '/v1/payments', created);
    // Each kind of channel's answer: a virtual account to transfer to, a QR to scan.
    for (const extra of [
      { channel: 'VA_BCA', customerName: 'Budi Santoso' },
      { channel: 'QRIS' },
    ]) {
      const { partnerReferenceNo, amount } = paymentBody();
      const res = await post({ partnerReferenceNo, amount, ...extra });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toHaveProperty(extra.channel === 'QRIS' ? 'qr' : 'virtualAccount');
      expectDocumented('post', '/v1/payments', res);
      expectDocumented(
        'get',
        '/v1/payments/{id}',
        await h.http.get(`/v1/payments/${res.body.id}`).set(auth()),
      );
    }
    expectDocumented('post', '/v1/payments', await post({}));
    expectDocumented(
      'post',
      '/v1/payments',
      await post(paymentBody({ partnerReferenceNo: created.body.partnerReferenceNo })),
    );
    expectDocumented(
      'post',
      '/v1/payments',
      await h.http.post('/v1/payments').set(auth()).type('text/plain').send('x'),
    );
    expectDocumented(
      'post',
      '/v1/payments',
      await post(paymentBody({ orderTitle: 'x'.repeat(70_000) })),
    );
    expectDocumented('post', '/v1/payments', await h.http.post('/v1/payments').send({}));
    const keyed = (body: object) =>
      h.http.post('/v1/payments').set(auth()).set('Idempotency-Key', 'openapi-key').send(body);
    expectDocumented('post', '/v1/payments', await keyed(paymentBody()));
    expectDocumented('post', '/v1/payments', await keyed(paymentBody()));

    const id = created.body.id as string;
    expectDocumented(
      'get',
      '/v1/payments/{id}',
      await h.http.get(`/v1/payments/${id}`).set(auth()),
    );
    expectDocumented(
      'get',
      '/v1/payments/{id}',
      await h.http.get(`/v1/payments/${missing}`).set(auth()),
    );
    expectDocumented('get', '/v1/payments/{id}', await h.http.get('/v1/payments/x').set(auth()));
    expectDocumented('get', '/v1/payments', await h.http.get('/v1/payments').set(auth()));
    expectDocumented(
      'get',
      '/v1/payments',
      await h.http.get('/v1/payments').query({ limit: '0' }).set(auth()),
    );
    expectDocumented(
      'get',
      '/v1/payments/{id}/history',
      await h.http.get(`/v1/payments/${id}/history`).set(auth()),
    );
    expectDocumented(
      'post',
      '/v1/payments/{id}/status-check',
      await h.http.post(`/v1/payments/${id}/status-check`).set(auth()),
    );
    expectDocumented(
      'post',
      '/v1/payments/{id}/resolve',
      await h.http
        .post(`/v1/payments/${id}/resolve`)
        .set(auth())
        .send({ action: 'accept', reason: 'nothing to resolve' }),
    );
    expectDocumented(
      'get',
      '/v1/payments/{id}/refunds',
      await h.http.get(`/v1/payments/${id}/refunds`).set(auth()),
    );
  });

  it('refunds: accepted, read, listed, and their errors', async () => {
    const paid = await paidPayment(h, '5000.00');
    const path = `/v1/payments/${paid.id}/refunds`;
    const accepted = await h.http
      .post(path)
      .set(auth())
      .send({ amount: idr('1000.00') });
    expectDocumented('post', '/v1/payments/{id}/refunds', accepted);
    expectDocumented(
      'post',
      '/v1/payments/{id}/refunds',
      await h.http
        .post(path)
        .set(auth())
        .send({ amount: idr('9000.00') }),
    );
    expectDocumented(
      'post',
      '/v1/payments/{id}/refunds',
      await h.http
        .post(`/v1/payments/${(await createPayment(h)).id}/refunds`)
        .set(auth())
        .send({}),
    );
    expectDocumented(
      'post',
      '/v1/payments/{id}/refunds',
      await h.http.post(`/v1/payments/${missing}/refunds`).set(auth()).send({}),
    );
    expectDocumented(
      'get',
      '/v1/refunds/{id}',
      await h.http.get(`/v1/refunds/${accepted.body.id}`).set(auth()),
    );
    expectDocumented(
      'get',
      '/v1/refunds/{id}',
      await h.http.get(`/v1/refunds/${missing}`).set(auth()),
    );
    expectDocumented(
      'get',
      '/v1/refunds',
      await h.http.get('/v1/refunds').query({ paymentId: paid.id }).set(auth()),
    );
    expectDocumented(
      'get',
      '/v1/refunds',
      await h.http.get('/v1/refunds').query({ status: 'NOPE' }).set(auth()),
    );
  });
});
