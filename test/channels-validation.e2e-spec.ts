import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, paymentBody, startHarness } from './support/harness';
import { VA_BINS_ENV, vaPaymentBody } from './support/virtual-accounts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      CHANNELS: 'DANA,SHOPEEPAY,OVO,VA_BCA',
      DOKU_VA_BINS: VA_BINS_ENV,
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
  });
});
afterAll(() => h?.close());

const bindingBody = (overrides: Record<string, unknown> = {}) => ({
  channel: 'OVO',
  customerId: 'CUST-1',
  phoneNumber: '6281234567890',
  successUrl: 'https://shop.example/linked',
  failureUrl: 'https://shop.example/not-linked',
  ...overrides,
});

const ovoBody = (overrides: Record<string, unknown> = {}) => {
  const { deviceId: _d, ipAddress: _i, orderTitle: _o, ...common } = paymentBody();
  return {
    ...common,
    channel: 'OVO',
    bindingId: '00000000-0000-4000-8000-000000000000',
    returnUrl: 'https://shop.example/paid',
    ...overrides,
  };
};

function expectErrorShape(body: unknown) {
  expect(body).toMatchObject({
    code: expect.stringMatching(/^[A-Z_]+$/),
    message: expect.any(String),
    details: expect.any(Array),
  });
}

const fieldsOf = (body: { details: { field?: string }[] }) => body.details.map((d) => d.field);

describe('bad input on the new bodies: a 4xx naming the field, never a 5xx', () => {
  it.each([
    ['channel', { channel: 123 }],
    ['customerId', { customerId: '' }],
    ['customerId', { customerId: 'x'.repeat(65) }],
    ['phoneNumber', { phoneNumber: '081234567890' }],
    ['phoneNumber', { phoneNumber: '62123' }],
    ['successUrl', { successUrl: 'javascript:alert(1)' }],
    ['failureUrl', { failureUrl: 'not a url' }],
    ['failureUrl', { failureUrl: undefined }],
  ])('POST /v1/wallet-bindings with a bad %s', async (field, overrides) => {
    const res = await h.http.post('/v1/wallet-bindings').set(h.auth).send(bindingBody(overrides));
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('a binding of a channel that takes none, or not enabled, is 422 with a code', async () => {
    const dana = await h.http
      .post('/v1/wallet-bindings')
      .set(h.auth)
      .send(bindingBody({ channel: 'DANA' }));
    expect(dana.status).toBe(422);
    expect(dana.body.code).toBe('BINDING_NOT_SUPPORTED');
    const unknown = await h.http
      .post('/v1/wallet-bindings')
      .set(h.auth)
      .send(bindingBody({ channel: 'GOPAY' }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('CHANNEL_NOT_ENABLED');
  });

  it.each([
    ['bindingId', { bindingId: 'not-a-uuid' }],
    ['bindingId', { bindingId: undefined }],
    ['returnUrl', { returnUrl: undefined }],
    ['failureUrl', { failureUrl: 'ftp://shop.example/x' }],
    ['customerId', { customerId: '' }],
    ['deviceId', { deviceId: 'device1' }],
    ['validUpTo', { validUpTo: '2099-01-01T00:00:00+07:00' }],
    ['channel', { channel: 'GOPAY' }],
    ['partnerReferenceNo', { partnerReferenceNo: 'X'.repeat(33) }],
  ])('POST /v1/payments (OVO) with a bad %s', async (field, overrides) => {
    const res = await h.http.post('/v1/payments').set(h.auth).send(ovoBody(overrides));
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it.each([
    ['bindingId', { bindingId: '00000000-0000-4000-8000-000000000000' }],
    ['failureUrl', { failureUrl: 'https://shop.example/failed' }],
    ['orderTitle', { orderTitle: 'DANA only' }],
    ['deviceId', { deviceId: undefined }],
  ])('POST /v1/payments (SHOPEEPAY) with %s it does not take or lacks', async (field, o) => {
    const body = { ...paymentBody(), orderTitle: undefined, channel: 'SHOPEEPAY', ...o };
    const res = await h.http.post('/v1/payments').set(h.auth).send(body);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it.each([
    ['customerName', { customerName: undefined }],
    ['customerName', { customerName: '' }],
    ['customerName', { customerName: 'Budi <script>' }],
    ['customerName', { customerName: 'B'.repeat(256) }],
    ['customerName', { customerName: 42 }],
    ['customerEmail', { customerEmail: 'not an email' }],
    ['customerEmail', { customerEmail: `${'x'.repeat(250)}@example.com` }],
    ['customerPhone', { customerPhone: '0812' }],
    ['customerPhone', { customerPhone: '0812-3456-7890' }],
    ['validUpTo', { validUpTo: 'tomorrow' }],
    ['validUpTo', { validUpTo: '2020-01-01T00:00:00+07:00' }],
    ['returnUrl', { returnUrl: 'https://shop.example/back' }],
    ['deviceId', { deviceId: 'device1' }],
    ['bindingId', { bindingId: '00000000-0000-4000-8000-000000000000' }],
  ])('POST /v1/payments (VA_BCA) with a bad %s', async (field, overrides) => {
    const res = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .send(vaPaymentBody('VA_BCA', overrides));
    expect(res.status, res.text).toBe(400);
    expectErrorShape(res.body);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('a virtual account of a bank not enabled is 422 CHANNEL_NOT_ENABLED; cancel of an id that is no UUID is 400', async () => {
    const res = await h.http.post('/v1/payments').set(h.auth).send(vaPaymentBody('VA_BRI'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CHANNEL_NOT_ENABLED');
    const cancel = await h.http.post('/v1/payments/nope/cancel').set(h.auth);
    expect(cancel.status).toBe(400);
    expect(fieldsOf(cancel.body)).toContain('id');
    const missing = await h.http
      .post('/v1/payments/00000000-0000-4000-8000-000000000000/cancel')
      .set(h.auth);
    expect(missing.status).toBe(404);
  });

  it('a wallet-binding id that is no UUID is a 400 naming it; an unknown one 404', async () => {
    const bad = await h.http.get('/v1/wallet-bindings/nope').set(h.auth);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toContain('id');
    const missing = await h.http
      .delete('/v1/wallet-bindings/00000000-0000-4000-8000-000000000000')
      .set(h.auth);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('BINDING_NOT_FOUND');
  });

  it('fuzz: 600 random binding and payment bodies of the new channels (virtual accounts too) never get a 5xx', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 2 });
    const field = <T>(arb: fc.Arbitrary<T>) =>
      fc.option(fc.oneof(arb, anyJson), { nil: undefined });
    const bindingArb = fc.record(
      {
        channel: field(fc.constantFrom('OVO', 'DANA', 'SHOPEEPAY', 'ovo', '')),
        customerId: field(fc.string({ maxLength: 70 })),
        phoneNumber: field(fc.oneof(fc.stringMatching(/^62\d{5,16}$/), fc.string())),
        successUrl: field(fc.oneof(fc.webUrl(), fc.string())),
        failureUrl: field(fc.oneof(fc.webUrl(), fc.string())),
      },
      { requiredKeys: [] },
    );
    const paymentArb = fc.record(
      {
        partnerReferenceNo: field(fc.string({ minLength: 1, maxLength: 40 })),
        amount: field(
          fc.record({
            value: fc.oneof(fc.string(), fc.stringMatching(/^\d{1,18}\.\d{2}$/)),
            currency: fc.constantFrom('IDR', ''),
          }),
        ),
        channel: field(fc.constantFrom('OVO', 'SHOPEEPAY', 'DANA', 'VA_BCA', 'VA_BRI')),
        customerName: field(fc.string({ maxLength: 260 })),
        customerEmail: field(fc.oneof(fc.emailAddress(), fc.string())),
        customerPhone: field(fc.oneof(fc.stringMatching(/^\+?\d{9,29}$/), fc.string())),
        validUpTo: field(fc.constantFrom('2099-01-01T00:00:00+07:00', 'soon', '')),
        bindingId: field(fc.oneof(fc.uuid(), fc.string())),
        returnUrl: field(fc.oneof(fc.webUrl(), fc.string())),
        failureUrl: field(fc.oneof(fc.webUrl(), fc.string())),
        customerId: field(fc.string({ maxLength: 70 })),
        deviceId: field(fc.stringMatching(/^[a-z0-9]{1,10}$/)),
      },
      { requiredKeys: [] },
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          bindingArb.map((body) => ({ path: '/v1/wallet-bindings', body })),
          paymentArb.map((body) => ({ path: '/v1/payments', body })),
        ),
        async ({ path, body }) => {
          const res = await h.http.post(path).set(h.auth).send(body);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, res.text).toBeLessThan(500);
          if (res.status >= 400) expectErrorShape(res.body);
        },
      ),
      { numRuns: 600 },
    );
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  }, 120_000);
});
