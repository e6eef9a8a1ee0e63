import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconciliationService } from '../apps/payments/src/reconciliation/reconciliation.service';
import { RefundSweeper } from '../apps/payments/src/refunds/refund.sweeper';
import { createPayment, getPayment, paidPayment, settledRefund } from './support/flows';
import { Harness, startHarness } from './support/harness';
import { waitFor } from './support/wait';

/**
 * Money DOKU takes on a payment the books have closed is never stuck: refunded or accepted by
 * LATE_PAYMENT_POLICY, and shown to a person until one resolves it.
 */
const HOUR = 3_600_000;
let refund: Harness;
let accept: Harness;

beforeAll(async () => {
  [refund, accept] = await Promise.all([
    startHarness({ env: { REFUND_MAX_ATTEMPTS: '2', REFUND_BACKOFF_MS: '50' } }),
    startHarness({ env: { LATE_PAYMENT_POLICY: 'accept' } }),
  ]);
});
afterAll(async () => {
  await refund?.close();
  await accept?.close();
});

/** A payment the service expired (no validUpTo: its own 24 h limit), that DOKU still takes. */
async function expiredPayment(h: Harness) {
  const p = await createPayment(h);
  await h.app.get(ReconciliationService).runOnce(Date.now() + 25 * HOUR);
  expect(await getPayment(h, p.id)).toMatchObject({ status: 'EXPIRED' });
  return p;
}

const attentionList = async (h: Harness) =>
  (await h.http.get('/v1/payments').query({ attention: 'true' }).set(h.auth)).body.items as {
    id: string;
    attention: { reason: string };
  }[];

const resolve = (h: Harness, id: string, body: object) =>
  h.http.post(`/v1/payments/${id}/resolve`).set(h.auth).send(body);

describe('paid after expiry', () => {
  it('policy refund: the money goes back through the refund pipeline; listed until a person resolves it', async () => {
    const h = refund;
    const p = await expiredPayment(h);
    await h.sim.control.completePayment(p.partnerReferenceNo, '00');

    const marked = await waitFor(async () => {
      const payment = await getPayment(h, p.id);
      return payment.attention ? payment : undefined;
    });
    expect(marked).toMatchObject({
      status: 'EXPIRED',
      attention: {
        reason: 'paid_after_expiry',
        detail: expect.objectContaining({ policy: 'refund', action: 'refund' }),
      },
    });
    // Refunded in full, once, at DOKU.
    const refunded = await waitFor(
      async () => {
        const payment = await getPayment(h, p.id);
        return payment.refundedAmount.value === '15000.00' ? payment : undefined;
      },
      40_000,
      'the late payment refunded',
    );
    expect(refunded.refunds).toEqual([
      expect.objectContaining({
        status: 'SUCCEEDED',
        amount: { value: '15000.00', currency: 'IDR' },
      }),
    ]);
    expect(h.sim.control.payment(p.partnerReferenceNo)?.refundedTotal).toBe('15000.00');
    expect((await attentionList(h)).map((x) => x.id)).toContain(p.id);

    // Accepting money already refunded is refused; resolving as refunded clears the mark.
    expect((await resolve(h, p.id, { action: 'accept', reason: 'x' })).body.code).toBe(
      'REFUND_UNDER_WAY',
    );
    const resolved = await resolve(h, p.id, { action: 'refund', reason: 'Customer paid late' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'EXPIRED', attention: null });
    expect((await attentionList(h)).map((x) => x.id)).not.toContain(p.id);
    expect(h.sim.control.payment(p.partnerReferenceNo)?.refunds).toHaveLength(1);
    const again = await resolve(h, p.id, { action: 'refund', reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NOT_UNDER_ATTENTION');

    const history = (await h.http.get(`/v1/payments/${p.id}/history`).set(h.auth)).body.items;
    expect(
      history.map((c: { from: string; to: string; source: string }) => [c.from, c.to, c.source]),
    ).toEqual([
      [null, 'PENDING', 'api'],
      ['PENDING', 'EXPIRED', 'reconciliation'],
      ['EXPIRED', 'EXPIRED', 'operator'],
    ]);
    expect(history[2].detail).toMatchObject({ action: 'refund', why: 'Customer paid late' });
    expect(history[2].detail.by).toMatch(/^[0-9a-f]{32}$/);
  }, 60_000);

  it('policy accept: the payment becomes PAID, recorded with why; listed until resolved', async () => {
    const h = accept;
    const p = await expiredPayment(h);
    await h.sim.control.completePayment(p.partnerReferenceNo, '00');
    const paid = await waitFor(async () => {
      const payment = await getPayment(h, p.id);
      return payment.status === 'PAID' ? payment : undefined;
    });
    expect(paid).toMatchObject({
      attention: {
        reason: 'paid_after_expiry',
        detail: expect.objectContaining({ action: 'accept' }),
      },
      refundedAmount: { value: '0.00' },
    });
    expect(paid.paidAt).toBeTruthy();
    expect((await attentionList(h)).map((x) => x.id)).toContain(p.id);
    const resolved = await resolve(h, p.id, { action: 'accept', reason: 'Order shipped' });
    expect(resolved.body).toMatchObject({ status: 'PAID', attention: null });
    const history = (await h.http.get(`/v1/payments/${p.id}/history`).set(h.auth)).body.items;
    expect(
      history.map((c: { from: string; to: string; source: string }) => [c.from, c.to, c.source]),
    ).toEqual([
      [null, 'PENDING', 'api'],
      ['PENDING', 'EXPIRED', 'reconciliation'],
      ['EXPIRED', 'PAID', 'notification'],
      ['PAID', 'PAID', 'operator'],
    ]);
  }, 60_000);

  it('a person may refund a late payment the policy accepted', async () => {
    const h = accept;
    const p = await expiredPayment(h);
    await h.sim.control.completePayment(p.partnerReferenceNo, '00');
    await waitFor(async () => ((await getPayment(h, p.id)).status === 'PAID' ? true : undefined));
    expect((await resolve(h, p.id, { action: 'refund', reason: 'Out of stock' })).status).toBe(200);
    const refunded = await waitFor(
      async () => {
        const payment = await getPayment(h, p.id);
        return payment.refundedAmount.value === '15000.00' ? payment : undefined;
      },
      40_000,
      'the refund',
    );
    expect(refunded).toMatchObject({ status: 'PAID', attention: null });
  }, 60_000);

  it('what is not marked has nothing to resolve; bad input is a 400', async () => {
    const h = refund;
    const p = await createPayment(h);
    expect((await resolve(h, p.id, { action: 'refund', reason: 'x' })).body.code).toBe(
      'NOT_UNDER_ATTENTION',
    );
    const bad = await resolve(h, p.id, { action: 'keep', reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'action',
      'reason',
    ]);
  });
});

describe('the status check shows what DOKU said', () => {
  it('its response code, the transaction status and when', async () => {
    const h = refund;
    const p = await createPayment(h);
    const checked = await h.http.post(`/v1/payments/${p.id}/status-check`).set(h.auth);
    expect(checked.body.lastStatusCheck).toMatchObject({
      responseCode: '2005500',
      transactionStatus: '03',
    });
    expect(Date.parse(checked.body.lastStatusCheck.at)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('refunds a person must look at', () => {
  it('a refund whose calls ran out is listed until it settles', async () => {
    const h = refund;
    const p = await paidPayment(h);
    h.sim.control.inject({ operation: 'refund', count: 2, kind: 'http500' });
    const accepted = await h.http
      .post(`/v1/payments/${p.id}/refunds`)
      .set(h.auth)
      .send({ amount: { value: '1000.00', currency: 'IDR' } });
    expect(accepted.status).toBe(202);
    const listed = await waitFor(async () => {
      const res = await h.http.get('/v1/refunds').query({ attention: 'true' }).set(h.auth);
      return res.body.items.find((r: { id: string }) => r.id === accepted.body.id);
    });
    expect(listed).toMatchObject({
      status: 'PROCESSING',
      attention: { reason: 'attempts_exhausted' },
    });
    // DOKU answers again; the sweeper gives it a live job, and it settles.
    await h.app.get(RefundSweeper).sweepOnce(Date.now() + 10 * 60_000);
    expect(await settledRefund(h, accepted.body.id)).toMatchObject({
      status: 'SUCCEEDED',
      attention: null,
    });
    const after = await h.http.get('/v1/refunds').query({ attention: 'true' }).set(h.auth);
    expect(after.body.items.map((r: { id: string }) => r.id)).not.toContain(accepted.body.id);
  }, 60_000);
});
