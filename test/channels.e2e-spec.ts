import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataKey } from '../apps/payments/src/config/channel-settings';
import { DataCipher } from '../apps/payments/src/wallet-bindings/data-cipher';
import {
  AUTH_CODE_CONTEXT,
  TOKEN_CONTEXT,
} from '../apps/payments/src/wallet-bindings/customer-tokens';
import { paymentByReference, paymentStatusChanges, settledRefund } from './support/flows';
import { Harness, paymentBody, startHarness } from './support/harness';
import { waitFor } from './support/wait';

const DATA_KEY = randomBytes(32).toString('base64');
const SHOP = 'https://shop.example';

let h: Harness;
/** Every service log line, to look for secrets in. */
const logged: string[] = [];
/** Every body the API answered in this file, to look for secrets in. */
const answered: string[] = [];

beforeAll(async () => {
  h = await startHarness({
    env: {
      CHANNELS: 'DANA,SHOPEEPAY,OVO',
      DATA_ENCRYPTION_KEY: DATA_KEY,
      CUSTOMER_TOKEN_REFRESH_AHEAD_SECONDS: '1',
      LOG_LEVEL: 'debug',
    },
    logDestination: { write: (line: string) => void logged.push(line) },
  });
});
afterAll(() => h?.close());

async function api(method: 'get' | 'post' | 'delete', path: string, body?: object) {
  const req = h.http[method](path).set(h.auth);
  const res = body === undefined ? await req : await req.send(body);
  answered.push(res.text);
  return res;
}

/** The customer presses a button on a simulator page (payment or binding); its redirect, if any. */
async function press(pageUrl: string, action: string): Promise<string | null> {
  const res = await fetch(pageUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `action=${action}`,
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return res.headers.get('location');
}

async function paymentWhen(id: string, status: string) {
  return waitFor(
    async () => {
      const res = await api('get', `/v1/payments/${id}`);
      return res.body.status === status ? res.body : undefined;
    },
    20_000,
    `payment ${id} to be ${status}`,
  );
}

/** Create, pay on the simulator's page, PAID by DOKU's notification. */
async function paidThrough(channel: string, fields: Record<string, unknown>) {
  const created = await api('post', '/v1/payments', { ...paymentBody(), channel, ...fields });
  expect(created.status, created.text).toBe(201);
  expect(created.body).toMatchObject({ channel, status: 'PENDING' });
  expect(created.body.redirectUrl).toMatch(/\/pay\//);
  await press(created.body.redirectUrl, 'pay');
  const paid = await paymentWhen(created.body.id, 'PAID');
  const changes = await paymentStatusChanges(h, created.body.id);
  expect(changes.map((c) => [c.to_status, c.source])).toEqual([
    ['PENDING', 'api'],
    ['PAID', 'notification'],
  ]);
  return paid as { id: string; partnerReferenceNo: string; amount: { value: string } };
}

/** A partial then a full refund, both SUCCEEDED, the books equal to DOKU's refunded total. */
async function refundedInTwo(payment: { id: string; partnerReferenceNo: string }) {
  const partial = await api('post', `/v1/payments/${payment.id}/refunds`, {
    amount: { value: '5000.00', currency: 'IDR' },
  });
  expect(partial.status, partial.text).toBe(202);
  expect((await settledRefund(h, partial.body.id)).status).toBe('SUCCEEDED');
  const rest = await api('post', `/v1/payments/${payment.id}/refunds`, {});
  expect(rest.status, rest.text).toBe(202);
  expect(rest.body.amount.value).toBe('10000.00');
  expect((await settledRefund(h, rest.body.id)).status).toBe('SUCCEEDED');
  const after = (await api('get', `/v1/payments/${payment.id}`)).body;
  expect(after).toMatchObject({ status: 'PAID', fullyRefunded: true });
  const atDoku = h.sim.control.payment(payment.partnerReferenceNo)!;
  expect(atDoku.refundedTotal).toBe(after.refundedAmount.value);
  expect(after.refundedAmount.value).toBe('15000.00');
  const checked = await api('post', `/v1/payments/${payment.id}/status-check`);
  expect(checked.status).toBe(200);
  expect(checked.body.status).toBe('PAID');
}

/** Bound and ACTIVE through the simulator's binding page and the service's return URL. */
async function boundBinding(customerId = `CUST-${randomBytes(4).toString('hex')}`) {
  const started = await api('post', '/v1/wallet-bindings', {
    channel: 'OVO',
    customerId,
    phoneNumber: `62812${String(Date.now()).slice(-8)}`,
    successUrl: `${SHOP}/linked`,
    failureUrl: `${SHOP}/not-linked`,
  });
  expect(started.status, started.text).toBe(201);
  expect(started.body).toMatchObject({ channel: 'OVO', status: 'PENDING', customerId });
  expect(started.body.phoneNumber).toMatch(/^\*+\d{4}$/);
  const back = await press(started.body.redirectUrl, 'confirm');
  expect(back).toMatch(new RegExp(`^${h.url}/wallet-bindings/${started.body.id}/return/`));
  const returned = await fetch(back!, { redirect: 'manual' });
  expect(returned.status).toBe(302);
  expect(returned.headers.get('location')).toBe(`${SHOP}/linked`);
  const binding = (await api('get', `/v1/wallet-bindings/${started.body.id}`)).body;
  expect(binding.status).toBe('ACTIVE');
  const simBinding = h.sim.control.bindings().find((b) => b.custIdMerchant === customerId)!;
  return { id: binding.id as string, customerId, simId: simBinding.bindingId };
}

const ovoPayment = (bindingId: string, extra: Record<string, unknown> = {}) => {
  const { deviceId: _d, ipAddress: _i, orderTitle: _o, ...common } = paymentBody();
  return {
    ...common,
    partnerReferenceNo: `OVO-${randomBytes(8).toString('hex')}`,
    channel: 'OVO',
    bindingId,
    returnUrl: `${SHOP}/paid`,
    failureUrl: `${SHOP}/failed`,
    ...extra,
  };
};

describe('channels', () => {
  it('GET /v1/channels lists the enabled channels with what they need', async () => {
    const res = await api('get', '/v1/channels');
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { channel: string }) => c.channel)).toEqual([
      'DANA',
      'SHOPEEPAY',
      'OVO',
    ]);
    expect(res.body.items[2]).toMatchObject({
      kind: 'ewallet_binding',
      refund: 'partial',
      requiresBinding: true,
      requiredFields: ['bindingId', 'returnUrl'],
    });
    expect(res.body.items[1]).toMatchObject({ kind: 'ewallet_redirect', requiresBinding: false });
  });

  it.each(['DANA', 'SHOPEEPAY'])(
    '%s: create, pay at the simulator, PAID by notification, partial and full refunds',
    async (channel) => {
      const fields = channel === 'DANA' ? {} : { orderTitle: undefined };
      const paid = await paidThrough(channel, fields);
      expect(h.sim.control.payment(paid.partnerReferenceNo)!.channel).toBe(
        channel === 'DANA' ? 'EMONEY_DANA_SNAP' : 'EMONEY_SHOPEE_PAY_SNAP',
      );
      await refundedInTwo(paid);
    },
  );

  it("ShopeePay refuses DANA's own fields, naming them", async () => {
    const res = await api('post', '/v1/payments', {
      ...paymentBody(),
      channel: 'SHOPEEPAY',
      deepLink: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'deepLink',
      'orderTitle',
    ]);
  });
});

describe('OVO with a wallet binding', () => {
  it('bind, pay, refund in two, balance, unbind; then a payment with it is refused', async () => {
    const binding = await boundBinding();
    const created = await api('post', '/v1/payments', ovoPayment(binding.id));
    expect(created.status, created.text).toBe(201);
    await press(created.body.redirectUrl, 'pay');
    const paid = await paymentWhen(created.body.id, 'PAID');
    expect(h.sim.control.payment(paid.partnerReferenceNo)).toMatchObject({
      channel: 'EMONEY_OVO_SNAP',
      bindingId: binding.simId,
    });
    await refundedInTwo(paid);

    const balance = await api('get', `/v1/wallet-bindings/${binding.id}/balance`);
    expect(balance.status, balance.text).toBe(200);
    // The simulator's wallet opens with 10,000,000.00; paid 15,000.00 and refunded it all.
    expect(balance.body.balance).toEqual({ value: '10000000.00', currency: 'IDR' });

    const unbound = await api('delete', `/v1/wallet-bindings/${binding.id}`);
    expect(unbound.status, unbound.text).toBe(200);
    expect(unbound.body.status).toBe('UNBOUND');
    expect(h.sim.control.bindings().find((b) => b.bindingId === binding.simId)!.status).toBe(
      'UNBOUND',
    );
    const refused = await api('post', '/v1/payments', ovoPayment(binding.id));
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('BINDING_NOT_ACTIVE');

    const events = await h.db.dataSource.query(
      `SELECT type FROM events WHERE resource_id = $1 ORDER BY txid, id`,
      [binding.id],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'binding.active',
      'binding.unbound',
    ]);
  });

  it('a payment left open at DOKU stays PENDING when resumed after its binding is gone', async () => {
    const binding = await boundBinding();
    const order = ovoPayment(binding.id);
    // DOKU takes the payment, its answers are lost: the outcome is open (PENDING, no redirect).
    h.sim.control.inject({ operation: 'payment', count: 3, kind: 'http500', when: 'after' });
    const open = await api('post', '/v1/payments', order);
    expect(open.status, open.text).toBe(503);
    expect((await api('delete', `/v1/wallet-bindings/${binding.id}`)).body.status).toBe('UNBOUND');
    const resumed = await api('post', '/v1/payments', order);
    expect(resumed.status).toBe(422);
    expect(resumed.body.code).toBe('BINDING_NOT_ACTIVE');
    // DOKU holds it: never FAILED here, its status settles it.
    expect(await paymentByReference(h, order.partnerReferenceNo)).toMatchObject({
      status: 'PENDING',
    });
    expect(h.sim.control.payment(order.partnerReferenceNo)).toBeDefined();
  });

  it('a binding the customer refuses is FAILED, and the browser goes to failureUrl', async () => {
    const started = await api('post', '/v1/wallet-bindings', {
      channel: 'OVO',
      customerId: 'CUST-REFUSES',
      phoneNumber: '6281299990000',
      successUrl: `${SHOP}/linked`,
      failureUrl: `${SHOP}/not-linked`,
    });
    expect(started.status).toBe(201);
    const back = await press(started.body.redirectUrl, 'refuse');
    const returned = await fetch(back!, { redirect: 'manual' });
    expect(returned.headers.get('location')).toBe(`${SHOP}/not-linked`);
    expect((await api('get', `/v1/wallet-bindings/${started.body.id}`)).body.status).toBe('FAILED');
    const refused = await api('post', '/v1/payments', ovoPayment(started.body.id));
    expect(refused.body.code).toBe('BINDING_NOT_ACTIVE');
  });

  it('a binding request retried under its Idempotency-Key answers the first binding', async () => {
    const body = {
      channel: 'OVO',
      customerId: 'CUST-RETRY',
      phoneNumber: '6281299990002',
      successUrl: `${SHOP}/linked`,
      failureUrl: `${SHOP}/not-linked`,
    };
    const send = () =>
      h.http.post('/v1/wallet-bindings').set(h.auth).set('Idempotency-Key', 'bind-1').send(body);
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe(`/v1/wallet-bindings/${first.body.id}`);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(h.sim.control.bindings().filter((b) => b.custIdMerchant === 'CUST-RETRY')).toHaveLength(
      1,
    );
  });

  it('a return URL with another nonce completes nothing', async () => {
    const started = await api('post', '/v1/wallet-bindings', {
      channel: 'OVO',
      customerId: 'CUST-FORGED',
      phoneNumber: '6281299990001',
      successUrl: `${SHOP}/linked`,
      failureUrl: `${SHOP}/not-linked`,
    });
    const forged = await fetch(
      `${h.url}/wallet-bindings/${started.body.id}/return/not-the-nonce/success?authCode=x`,
      { redirect: 'manual' },
    );
    expect(forged.status).toBe(404);
    expect((await api('get', `/v1/wallet-bindings/${started.body.id}`)).body.status).toBe(
      'PENDING',
    );
  });

  it('payments refuse a binding of another customer, or a channel the binding is not of', async () => {
    const binding = await boundBinding();
    const other = await api('post', '/v1/payments', ovoPayment(binding.id, { customerId: 'X' }));
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('BINDING_CUSTOMER_MISMATCH');
    const missing = await api(
      'post',
      '/v1/payments',
      ovoPayment('00000000-0000-4000-8000-000000000000'),
    );
    expect(missing.body.code).toBe('BINDING_NOT_FOUND');
    const dana = await api('post', '/v1/payments', { ...paymentBody(), bindingId: binding.id });
    expect(dana.status).toBe(400);
    expect(dana.body.details[0].field).toBe('bindingId');
  });

  it('an expiring customer token is renewed before the call: no call is refused', async () => {
    h.sim.control.configure({ customerTokenTtlSeconds: 3 });
    try {
      const binding = await boundBinding();
      const issuedBefore = h.sim.control.counters().customerTokensIssued;
      const [{ expires }] = await h.db.dataSource.query(
        `SELECT customer_token_expires_at AS expires FROM wallet_bindings WHERE id = $1`,
        [binding.id],
      );
      // Past the renewal point (1 s before expiry, CUSTOMER_TOKEN_REFRESH_AHEAD_SECONDS).
      await waitFor(
        () => (Date.now() > new Date(expires).getTime() - 900 ? true : undefined),
        10_000,
        'the customer token to near its expiry',
      );
      const created = await api('post', '/v1/payments', ovoPayment(binding.id));
      expect(created.status, created.text).toBe(201);
      expect(h.sim.control.counters().customerTokensIssued).toBe(issuedBefore + 1);
      const refusedCalls = h.sim.control
        .log()
        .filter((e) => e.operation === 'payment' && e.responseCode.startsWith('401'));
      expect(refusedCalls).toEqual([]);
    } finally {
      h.sim.control.configure({ customerTokenTtlSeconds: 900 });
    }
  });

  it('a customer who unlinks in the OVO app: the binding becomes UNBOUND, with its event', async () => {
    const binding = await boundBinding();
    h.sim.control.unlinkBinding(binding.simId);
    // The token it holds is refused; renewing it, DOKU answers 4017400: the binding is gone.
    const order = ovoPayment(binding.id);
    const first = await api('post', '/v1/payments', order);
    expect(first.status, first.text).toBe(422);
    expect(first.body.code).toBe('BINDING_NOT_ACTIVE');
    expect(await paymentByReference(h, order.partnerReferenceNo)).toMatchObject({
      status: 'FAILED',
      failureCode: 'BINDING_NOT_ACTIVE',
    });
    expect((await api('get', `/v1/wallet-bindings/${binding.id}`)).body).toMatchObject({
      status: 'UNBOUND',
      failureCode: '4017400',
    });
    const next = await api('post', '/v1/payments', ovoPayment(binding.id));
    expect(next.status).toBe(422);
    expect(next.body.code).toBe('BINDING_NOT_ACTIVE');
    const [{ count }] = await h.db.dataSource.query(
      `SELECT count(*)::int AS count FROM events WHERE resource_id = $1 AND type = 'binding.unbound'`,
      [binding.id],
    );
    expect(count).toBe(1);
  });

  it('no customer token or authCode appears in logs, responses, metrics or events', async () => {
    const cipher = new DataCipher([Buffer.from(DATA_KEY, 'base64') as DataKey]);
    await boundBinding();
    const rows: { customer_token: string | null; auth_code: string }[] =
      await h.db.dataSource.query(
        `SELECT customer_token, auth_code FROM wallet_bindings WHERE customer_token IS NOT NULL`,
      );
    const tokens = rows.flatMap((r) => [
      cipher.decrypt(r.customer_token!, TOKEN_CONTEXT),
      cipher.decrypt(r.auth_code, AUTH_CODE_CONTEXT),
    ]);
    expect(tokens.length).toBeGreaterThan(0);
    const metrics = await h.http.get('/metrics');
    const events: { body: string | null; snapshot: unknown }[] = await h.db.dataSource.query(
      `SELECT body, snapshot FROM events`,
    );
    const haystack = [
      logged.join(''),
      answered.join('\n'),
      metrics.text,
      JSON.stringify(events),
    ].join('\n');
    // The service's side (DOKU's own log, the simulator's, holds what DOKU was sent).
    const parts = { logged, answered, metrics: metrics.text, events };
    for (const token of tokens)
      for (const [where, part] of Object.entries(parts))
        expect(JSON.stringify(part).includes(token), `${where} holds a secret`).toBe(false);
    expect(haystack.length).toBeGreaterThan(0);
    // The stored form is no plain token either.
    for (const row of rows) expect(tokens.some((t) => row.customer_token!.includes(t))).toBe(false);
  });
});
