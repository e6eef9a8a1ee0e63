import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, paymentBody, startHarness } from './support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const post = (body: unknown, contentType = 'application/json') =>
  h.http
    .post('/v1/payments')
    .set(h.auth)
    .set('Content-Type', contentType)
    .send(typeof body === 'string' ? body : JSON.stringify(body));

const expectErrorShape = (body: unknown) =>
  expect(body).toEqual({
    code: expect.stringMatching(/^[A-Z_]+$/),
    message: expect.any(String),
    details: expect.any(Array),
  });

describe('bad input to POST /v1/payments', () => {
  const cases: [string, unknown, string | null][] = [
    [
      'wrong type of amount value',
      paymentBody({ amount: { value: 15000, currency: 'IDR' } }),
      'amount.value',
    ],
    [
      'amount without decimals',
      paymentBody({ amount: { value: '15000', currency: 'IDR' } }),
      'amount.value',
    ],
    [
      'negative amount',
      paymentBody({ amount: { value: '-1.00', currency: 'IDR' } }),
      'amount.value',
    ],
    ['zero amount', paymentBody({ amount: { value: '0.00', currency: 'IDR' } }), 'amount.value'],
    [
      'amount too large',
      paymentBody({ amount: { value: '12345678901234567.00', currency: 'IDR' } }),
      'amount.value',
    ],
    [
      'other currency',
      paymentBody({ amount: { value: '1.00', currency: 'USD' } }),
      'amount.currency',
    ],
    ['amount as string', paymentBody({ amount: '15000.00' }), 'amount'],
    ['missing amount', paymentBody({ amount: undefined }), 'amount'],
    ['unknown field', paymentBody({ status: 'PAID' }), 'status'],
    [
      'unknown nested field',
      paymentBody({ amount: { value: '1.00', currency: 'IDR', extra: 1 } }),
      'amount.extra',
    ],
    [
      'overlong partnerReferenceNo',
      paymentBody({ partnerReferenceNo: 'x'.repeat(65) }),
      'partnerReferenceNo',
    ],
    ['empty partnerReferenceNo', paymentBody({ partnerReferenceNo: '' }), 'partnerReferenceNo'],
    ['relative returnUrl', paymentBody({ returnUrl: '/orders/1' }), 'returnUrl'],
    ['javascript returnUrl', paymentBody({ returnUrl: 'javascript:alert(1)' }), 'returnUrl'],
    [
      'overlong returnUrl',
      paymentBody({ returnUrl: `https://shop.example/${'a'.repeat(250)}` }),
      'returnUrl',
    ],
    ['deviceId with symbols', paymentBody({ deviceId: 'dev-1!' }), 'deviceId'],
    // PostgreSQL refuses NUL in text: it must be refused here, not by the database (a 500).
    ['NUL in orderTitle', paymentBody({ orderTitle: 'Kopi\u0000susu' }), 'orderTitle'],
    [
      'control character in orderTitle',
      paymentBody({ orderTitle: 'Kopi\u001bsusu' }),
      'orderTitle',
    ],
    [
      'NUL in partnerReferenceNo',
      paymentBody({ partnerReferenceNo: 'ORD\u00001' }),
      'partnerReferenceNo',
    ],
    ['bad ipAddress', paymentBody({ ipAddress: '300.1.1.1' }), 'ipAddress'],
    ['validUpTo without offset', paymentBody({ validUpTo: '2030-01-01T10:00:00' }), 'validUpTo'],
    ['validUpTo in the past', paymentBody({ validUpTo: '2020-01-01T10:00:00+07:00' }), 'validUpTo'],
    ['bad pointOfInitiation', paymentBody({ pointOfInitiation: 'tv' }), 'pointOfInitiation'],
    ['deepLink as string', paymentBody({ deepLink: 'true' }), 'deepLink'],
    ['unknown channel', paymentBody({ channel: 'GOPAY' }), 'channel'],
    // This deployment offers DANA alone (CHANNELS' default with real credentials): 422.
    ['a channel not enabled', paymentBody({ channel: 'SHOPEEPAY' }), 'channel'],
    ['an array', [paymentBody()], null],
    ['a number', 42, null],
    ['malformed JSON', '{"partnerReferenceNo": ', null],
    ['prototype pollution', '{"__proto__": {"isAdmin": true}, "partnerReferenceNo": "x"}', null],
    ['constructor pollution', '{"constructor": {"prototype": {"isAdmin": true}}}', null],
  ];

  for (const [name, body, field] of cases) {
    it(`${name}: 4xx naming the field, nothing stored`, async () => {
      const res = await post(body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectErrorShape(res.body);
      if (field) expect(res.body.details.map((d: { field?: string }) => d.field)).toContain(field);
    });
  }

  it('pollution attempts changed nothing', () => {
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('non-JSON content types and oversized bodies are 4xx', async () => {
    const form = await post('partnerReferenceNo=x', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringContaining('application/x-www-form-urlencoded'),
    });
    const big = await post(paymentBody({ orderTitle: 'x'.repeat(100_000) }));
    expect(big.status).toBe(413);
    expectErrorShape(big.body);
  });

  it('a lookup by a partnerReferenceNo no order can have (a NUL in it) is a 400 naming it', async () => {
    const res = await h.http.get('/v1/payments?partnerReferenceNo=ORD%001').set(h.auth);
    expect(res.status).toBe(400);
    expectErrorShape(res.body);
    expect(res.body.details.map((d: { field?: string }) => d.field)).toContain(
      'partnerReferenceNo',
    );
  });

  it('stores nothing for refused input', async () => {
    const [{ count }] = await h.db.dataSource.query(`SELECT count(*)::int AS count FROM payments`);
    expect(count).toBe(0);
  });

  it('fuzz: 1,000 random bodies never get a 5xx', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const field = <T>(arb: fc.Arbitrary<T>) =>
      fc.option(fc.oneof(arb, anyJson), { nil: undefined });
    const bodyArb = fc.oneof(
      anyJson,
      fc.record(
        {
          partnerReferenceNo: field(fc.string({ maxLength: 80 })),
          amount: field(
            fc.record({
              value: fc.oneof(fc.string(), fc.stringMatching(/^\d{1,18}\.\d{1,3}$/)),
              currency: fc.constantFrom('IDR', 'idr', ''),
            }),
          ),
          returnUrl: field(fc.oneof(fc.webUrl(), fc.string())),
          deviceId: field(fc.string({ maxLength: 70 })),
          ipAddress: field(fc.oneof(fc.ipV4(), fc.string())),
          orderTitle: field(fc.string({ maxLength: 300 })),
          validUpTo: field(
            fc.oneof(
              fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
              fc.string(),
            ),
          ),
          pointOfInitiation: field(fc.constantFrom('app', 'pc', 'mweb', 'x')),
          deepLink: field(fc.boolean()),
          channel: field(fc.constantFrom('DANA', 'OVO', 'GOPAY')),
        },
        { requiredKeys: [] },
      ),
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(bodyArb, async (body) => {
        const res = await post(body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        expectErrorShape(res.status >= 400 ? res.body : { code: 'OK', message: '', details: [] });
      }),
      { numRuns: 1000 },
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1000);
  }, 120_000);
});
