import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayment, paidPayment, settledRefund } from './support/flows';
import { Harness, paymentBody, startHarness } from './support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: { REFUND_BACKOFF_MS: '50', OUTBOX_RELAY_EVERY_MS: '200', REFUND_SWEEP_EVERY_MS: '200' },
  });
});
afterAll(() => h?.close());

const idr = (value: string) => ({ value, currency: 'IDR' });
const list = (path: string, query: Record<string, string> = {}) =>
  h.http.get(path).query(query).set(h.auth);
const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

describe('lists', () => {
  it('pages payments newest first by cursor; a payment created meanwhile shifts no page', async () => {
    const tag = `page-${Date.now()}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await createPayment(h, { metadata: { batch: tag } })).id);
    const newestFirst = [...made].reverse();

    const first = await list('/v1/payments', { metadata: `batch:${tag}`, limit: '2' });
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual(newestFirst.slice(0, 2));
    expect(first.body).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });

    // Inserted between two pages: newer than every page already handed out, so never in the next.
    const meanwhile = await createPayment(h, { metadata: { batch: tag } });
    const second = await list('/v1/payments', {
      metadata: `batch:${tag}`,
      limit: '2',
      after: first.body.nextCursor,
    });
    expect(ids(second)).toEqual(newestFirst.slice(2, 4));
    const last = await list('/v1/payments', {
      metadata: `batch:${tag}`,
      limit: '2',
      after: second.body.nextCursor,
    });
    expect(ids(last)).toEqual(newestFirst.slice(4));
    expect(last.body).toMatchObject({ hasMore: false, nextCursor: null });

    const again = await list('/v1/payments', { metadata: `batch:${tag}`, limit: '100' });
    expect(ids(again)).toEqual([meanwhile.id, ...newestFirst]);
  });

  it('pages a metadata pair the same whether it names few payments or many, ties in time broken by id', async () => {
    /** `count` final payments with the pair, three to each microsecond, written as a bulk import would. */
    const seed = async (tag: string, count: number) => {
      await h.db.dataSource.query(
        `INSERT INTO payments (partner_reference_no, channel, amount_value, currency, status,
           external_id, request_body, metadata, created_at, updated_at)
         SELECT $1 || '-' || i, 'DANA', 1000, 'IDR', CASE WHEN i % 2 = 0 THEN 'EXPIRED' ELSE 'FAILED' END,
           lpad(i::text, 20, '0'), '{}', jsonb_build_object('batch', $1::text),
           t.at, t.at
         FROM generate_series(1, $2::int) AS i
         CROSS JOIN LATERAL (SELECT now() - make_interval(secs => (i / 3) * 0.000001) AS at) t`,
        [tag, count],
      );
      const rows = (await h.db.dataSource.query(
        `SELECT id, status FROM payments WHERE metadata @> jsonb_build_object('batch', $1::text)
         ORDER BY created_at DESC, id DESC`,
        [tag],
      )) as { id: string; status: string }[];
      return rows;
    };
    const walk = async (query: Record<string, string>) => {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await list('/v1/payments', {
          ...query,
          limit: '100',
          ...(after ? { after } : {}),
        });
        expect(page.status).toBe(200);
        seen.push(...ids(page));
        if (!page.body.hasMore) return seen;
        after = page.body.nextCursor;
      }
    };
    // 250 go through the metadata index and are ordered by the service; 1,050 are walked newest
    // first by PostgreSQL: each list in the order of the table's keyset, nothing twice or left out.
    for (const [tag, count] of [
      [`few-${Date.now()}`, 250],
      [`many-${Date.now()}`, 1_050],
    ] as const) {
      const expected = await seed(tag, count);
      expect(await walk({ metadata: `batch:${tag}` })).toEqual(expected.map((r) => r.id));
      expect(await walk({ metadata: `batch:${tag}`, status: 'EXPIRED' })).toEqual(
        expected.filter((r) => r.status === 'EXPIRED').map((r) => r.id),
      );
    }
  });

  it('filters payments by status, channel, order, creation window and metadata', async () => {
    const tag = `filters-${Date.now()}`;
    const pending = await createPayment(h, { metadata: { batch: tag, kind: 'pending' } });
    const paid = await paidPayment(h, '20000.00');

    const byStatus = await list('/v1/payments', { status: 'PAID', limit: '100' });
    expect(ids(byStatus)).toContain(paid.id);
    expect(ids(byStatus)).not.toContain(pending.id);
    expect(byStatus.body.items.every((p: { status: string }) => p.status === 'PAID')).toBe(true);

    const byOrder = await list('/v1/payments', { partnerReferenceNo: pending.partnerReferenceNo });
    expect(ids(byOrder)).toEqual([pending.id]);

    const byMetadata = await list('/v1/payments', { metadata: 'kind:pending' });
    expect(ids(byMetadata)).toContain(pending.id);
    expect(ids(await list('/v1/payments', { metadata: `batch:${tag}x` }))).toEqual([]);

    expect(ids(await list('/v1/payments', { channel: 'DANA', status: 'PAID' }))).toContain(paid.id);
    expect(ids(await list('/v1/payments', { channel: 'OVO' }))).toEqual([]);

    const created = new Date(
      (await h.http.get(`/v1/payments/${pending.id}`).set(h.auth)).body.createdAt as string,
    );
    const window = {
      createdFrom: new Date(created.getTime() - 1000).toISOString(),
      createdTo: new Date(created.getTime() + 1000).toISOString(),
    };
    expect(ids(await list('/v1/payments', { ...window, metadata: `batch:${tag}` }))).toEqual([
      pending.id,
    ]);
    const before = { createdTo: new Date(created.getTime() - 60_000).toISOString() };
    expect(ids(await list('/v1/payments', { ...before, metadata: `batch:${tag}` }))).toEqual([]);
  });

  it('lists refunds by payment, status and partnerRefundNo, and a payment its refunds', async () => {
    const payment = await paidPayment(h, '9000.00');
    const other = await paidPayment(h, '9000.00');
    const a = await h.http
      .post(`/v1/payments/${payment.id}/refunds`)
      .set(h.auth)
      .send({ amount: idr('1000.00'), partnerRefundNo: `RF-A-${Date.now()}` });
    const b = await h.http
      .post(`/v1/payments/${payment.id}/refunds`)
      .set(h.auth)
      .send({ amount: idr('2000.00') });
    const c = await h.http
      .post(`/v1/payments/${other.id}/refunds`)
      .set(h.auth)
      .send({ amount: idr('500.00') });
    for (const r of [a, b, c]) await settledRefund(h, r.body.id);

    const ofPayment = await list(`/v1/payments/${payment.id}/refunds`);
    expect(ofPayment.status).toBe(200);
    expect(ids(ofPayment)).toEqual([b.body.id, a.body.id]);
    expect(ids(await list('/v1/refunds', { paymentId: payment.id, limit: '1' }))).toEqual([
      b.body.id,
    ]);
    expect(ids(await list('/v1/refunds', { partnerRefundNo: a.body.partnerRefundNo }))).toEqual([
      a.body.id,
    ]);
    const succeeded = await list('/v1/refunds', { status: 'SUCCEEDED', limit: '100' });
    expect(ids(succeeded)).toEqual(expect.arrayContaining([a.body.id, b.body.id, c.body.id]));
    expect(ids(await list('/v1/refunds', { status: 'FAILED', paymentId: payment.id }))).toEqual([]);
    const unknown = await list(`/v1/payments/00000000-0000-4000-8000-000000000000/refunds`);
    expect(unknown.status).toBe(404);
  });

  it('refuses a bad limit, cursor or filter with a 400 naming it', async () => {
    for (const [query, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ after: 'not a cursor!' }, 'after'],
      [{ after: Buffer.from('not-a-uuid').toString('base64url') }, 'after'],
      [{ status: 'SETTLED' }, 'status'],
      [{ createdFrom: 'yesterday' }, 'createdFrom'],
      [{ metadata: 'no-colon' }, 'metadata'],
      [{ unknown: 'x' }, 'unknown'],
    ] as const) {
      const res = await list('/v1/payments', query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await list('/v1/refunds', { paymentId: 'x' })).status).toBe(400);
  });
});

describe('metadata', () => {
  it('is stored and returned on payments and refunds, and never sent to DOKU', async () => {
    const metadata = { orderType: 'gift', 'shop.branch': 'Bandung-01', note: 'Rahasia: jangan' };
    const created = await h.http.post('/v1/payments').set(h.auth).send(paymentBody({ metadata }));
    expect(created.status).toBe(201);
    expect(created.body.metadata).toEqual(metadata);
    expect((await h.http.get(`/v1/payments/${created.body.id}`).set(h.auth)).body.metadata).toEqual(
      metadata,
    );

    await h.sim.control.completePayment(created.body.partnerReferenceNo, '00');
    await h.http.post(`/v1/payments/${created.body.id}/status-check`).set(h.auth);
    const refund = await h.http
      .post(`/v1/payments/${created.body.id}/refunds`)
      .set(h.auth)
      .send({ amount: idr('1000.00'), metadata: { ticket: 'CS-42' } });
    expect(refund.status).toBe(202);
    expect(refund.body.metadata).toEqual({ ticket: 'CS-42' });
    await settledRefund(h, refund.body.id);

    const sent = h.sim.control
      .log()
      .filter((e) => e.body.includes(created.body.partnerReferenceNo));
    expect(sent.length).toBeGreaterThan(1);
    for (const entry of sent) {
      expect(entry.body).not.toContain('Rahasia');
      expect(entry.body).not.toContain('CS-42');
      expect(entry.body).not.toContain('metadata');
    }
    // A payment without metadata has an empty object, not null.
    expect((await createPayment(h)) as unknown as { metadata: unknown }).toMatchObject({
      metadata: {},
    });
  });

  it('is bounded: keys, their names and values', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    for (const metadata of [
      tooMany,
      { 'bad key': 'v' },
      { k: 'x'.repeat(501) },
      { k: 1 },
      { k: 'line\nbreak' },
      ['v'],
      'text',
    ]) {
      const res = await h.http.post('/v1/payments').set(h.auth).send(paymentBody({ metadata }));
      expect(res.status, JSON.stringify(metadata).slice(0, 80)).toBe(400);
      expect(res.body.details[0].field).toBe('metadata');
    }
  });
});

describe('refund conveniences', () => {
  it('a refund without an amount returns all that is left; the payment shows what is left and when all is refunded', async () => {
    const payment = await paidPayment(h, '15000.00');
    const before = (await h.http.get(`/v1/payments/${payment.id}`).set(h.auth)).body;
    expect(before).toMatchObject({ refundableAmount: idr('15000.00'), fullyRefunded: false });

    const part = await h.http
      .post(`/v1/payments/${payment.id}/refunds`)
      .set(h.auth)
      .send({ amount: idr('4000.00') });
    expect(part.status).toBe(202);
    expect(part.headers.location).toBe(`/v1/refunds/${part.body.id}`);
    await settledRefund(h, part.body.id);
    expect((await h.http.get(`/v1/payments/${payment.id}`).set(h.auth)).body).toMatchObject({
      refundableAmount: idr('11000.00'),
      fullyRefunded: false,
    });

    const rest = await h.http.post(`/v1/payments/${payment.id}/refunds`).set(h.auth).send({});
    expect(rest.status).toBe(202);
    expect(rest.body.amount).toEqual(idr('11000.00'));
    expect((await settledRefund(h, rest.body.id)).status).toBe('SUCCEEDED');

    const after = (await h.http.get(`/v1/payments/${payment.id}`).set(h.auth)).body;
    expect(after).toMatchObject({
      status: 'PAID',
      refundedAmount: idr('15000.00'),
      refundableAmount: idr('0.00'),
      fullyRefunded: true,
    });
    const more = await h.http.post(`/v1/payments/${payment.id}/refunds`).set(h.auth).send({});
    expect(more.status).toBe(422);
    expect(more.body.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
  });

  it('a refund without an amount on an unpaid payment is refused as any refund would be', async () => {
    const pending = await createPayment(h);
    const res = await h.http.post(`/v1/payments/${pending.id}/refunds`).set(h.auth).send({});
    const withAmount = await h.http
      .post(`/v1/payments/${pending.id}/refunds`)
      .set(h.auth)
      .send({ amount: idr('1.00') });
    expect(res.status).toBe(withAmount.status);
    expect(res.body.code).toBe(withAmount.body.code);
    expect(res.body.code).toBe('PAYMENT_NOT_REFUNDABLE');
    // A body of JSON null is no "refund everything": not an object, refused.
    const paid = await paidPayment(h);
    const body = await h.http
      .post(`/v1/payments/${paid.id}/refunds`)
      .set(h.auth)
      .set('Content-Type', 'application/json')
      .send('null');
    expect(body.status).toBe(400);
    expect(body.body.details).toEqual([
      { field: 'body', message: 'the body must be a JSON object' },
    ]);
  });

  it('201 says where the payment lives', async () => {
    const res = await h.http.post('/v1/payments').set(h.auth).send(paymentBody());
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/payments/${res.body.id}`);
  });
});

describe('idempotency', () => {
  it('a replay answers the first bytes and says so; the same JSON in another layout is the same request', async () => {
    const body = paymentBody({ metadata: { a: '1', b: '2' } });
    const key = `idem-${Date.now()}`;
    const first = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set('Idempotency-Key', key)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // The same body, keys in another order and pretty-printed.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const replay = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set('Idempotency-Key', key)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(reordered, null, 2));
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
    expect(replay.headers.location).toBe(first.headers.location);

    const changed = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set('Idempotency-Key', key)
      .send({ ...body, orderTitle: 'Something else' });
    expect(changed.status).toBe(422);
  });

  it('a second attempt at an order: 409 names the payment that has it', async () => {
    const first = await createPayment(h);
    const again = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .send(paymentBody({ partnerReferenceNo: first.partnerReferenceNo, orderTitle: 'Other' }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE_PARTNER_REFERENCE_NO');
    expect(JSON.stringify(again.body)).toContain(first.id);
  });
});

describe('precise errors', () => {
  it('a body without a JSON Content-Type is a 415 naming the type, not ten missing fields', async () => {
    const text = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(paymentBody()));
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(text.body.message).toContain('text/plain');

    const form = await h.http.post('/v1/payments').set(h.auth).type('form').send('a=1');
    expect(form.status).toBe(415);
    expect(form.body.message).toContain('application/x-www-form-urlencoded');
  });

  it('one message per field, "is required" when absent', async () => {
    const { amount: _a, returnUrl: _r, ...body } = paymentBody({ deviceId: '' });
    const res = await h.http.post('/v1/payments').set(h.auth).send(body);
    expect(res.status).toBe(400);
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(new Set(fields).size).toBe(fields.length);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { field: 'amount', message: 'amount is required' },
        { field: 'returnUrl', message: 'returnUrl is required' },
      ]),
    );
    expect(fields).toContain('deviceId');
  });

  it('a 17-digit amount says the limit; a key given twice or __proto__ is refused as what it is', async () => {
    const big = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .send(paymentBody({ amount: idr('12345678901234567.00') }));
    expect(big.status).toBe(400);
    expect(big.body.details[0].message).toMatch(/16 digits/);

    const twice = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set('Content-Type', 'application/json')
      .send('{"orderTitle":"a","orderTitle":"b"}');
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ code: 'DUPLICATE_KEY', details: [{ field: 'orderTitle' }] });

    const proto = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set('Content-Type', 'application/json')
      .send('{"__proto__":{"admin":true}}');
    expect(proto.status).toBe(400);
    expect(proto.body.code).toBe('FORBIDDEN_KEY');
  });

  it('a body over the limit says the limit', async () => {
    const res = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .send(paymentBody({ orderTitle: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
    expect(res.body.message).toContain('64 kb');
  });

  it('accepts the bearer scheme in any case; a 401 says how to authenticate', async () => {
    const key = h.auth.Authorization.slice('Bearer '.length);
    for (const scheme of ['bearer', 'BEARER', 'Bearer'])
      expect(
        (await h.http.get('/v1/payments').set('Authorization', `${scheme} ${key}`)).status,
      ).toBe(200);
    const denied = await h.http.get('/v1/payments').set('Authorization', 'Bearer wrong');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await h.http.get('/v1/payments')).headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('paidAt is never after updatedAt', async () => {
    const payment = await paidPayment(h);
    const p = (await h.http.get(`/v1/payments/${payment.id}`).set(h.auth)).body;
    expect(p.paidAt).toEqual(expect.any(String));
    expect(Date.parse(p.paidAt)).toBeLessThanOrEqual(Date.parse(p.updatedAt));
  });
});
