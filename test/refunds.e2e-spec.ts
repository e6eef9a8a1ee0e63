import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REFUND_SWEEP_JOB, REFUNDS_QUEUE } from '../apps/payments/src/queues/queue-names';
import { refundJobId } from '../apps/payments/src/refunds/refund-jobs';
import { dokuAnswersOnce, getPayment, paidPayment, settledRefund } from './support/flows';
import { Harness, paymentBody, startHarness } from './support/harness';
import { waitFor } from './support/wait';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      REFUND_BACKOFF_MS: '50',
      OUTBOX_RELAY_EVERY_MS: '200',
      REFUND_CONCURRENCY: '20',
      REFUND_SWEEP_EVERY_MS: '200',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'ops-secret-password',
    },
  });
});
afterAll(() => h?.close());
beforeEach(() => h.sim.control.reset());

const refund = (
  paymentId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) => h.http.post(`/v1/payments/${paymentId}/refunds`).set(h.auth).set(headers).send(body);

const idr = (value: string) => ({ value, currency: 'IDR' });

const paymentState = (id: string) => getPayment(h, id);

describe('refunds', () => {
  it('partial then full refunds succeed; the money adds up on both sides', async () => {
    const payment = await paidPayment(h, '15000.00');
    const first = await refund(payment.id, { amount: idr('5000.00'), reason: 'one item returned' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      paymentId: payment.id,
      status: 'PENDING',
      amount: idr('5000.00'),
      reason: 'one item returned',
    });
    expect((await settledRefund(h, first.body.id)).status).toBe('SUCCEEDED');

    const rest = await refund(payment.id, {
      amount: idr('10000.00'),
      partnerRefundNo: `RF-${Date.now()}`,
    });
    expect(rest.status).toBe(202);
    const settled = await settledRefund(h, rest.body.id);
    expect(settled).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      refundNo: expect.any(String),
    });

    const p = await paymentState(payment.id);
    expect(p.refundedAmount).toEqual(idr('15000.00'));
    expect(p.refunds.map((r: { status: string }) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(h.sim.control.payment(payment.partnerReferenceNo)?.refundedTotal).toBe('15000.00');

    const more = await refund(payment.id, { amount: idr('0.01') });
    expect(more.status).toBe(422);
    expect(more.body).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE' });
  });

  it('12 concurrent refunds of 1,000 on 9,000 refundable: exactly 9 accepted', async () => {
    const payment = await paidPayment(h, '9000.00');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => refund(payment.id, { amount: idr('1000.00') })),
    );
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(9);
    expect(results.filter((r) => r.status === 422)).toHaveLength(3);
    for (const r of accepted) expect((await settledRefund(h, r.body.id)).status).toBe('SUCCEEDED');
    expect((await paymentState(payment.id)).refundedAmount).toEqual(idr('9000.00'));
    expect(h.sim.control.payment(payment.partnerReferenceNo)?.refundedTotal).toBe('9000.00');
  });

  it('DOKU 500s then success: SUCCEEDED with the attempts counted, one refund at DOKU', async () => {
    const payment = await paidPayment(h);
    h.sim.control.inject({ operation: 'refund', count: 2, kind: 'http500' });
    const res = await refund(payment.id, { amount: idr('1000.00') });
    const settled = await settledRefund(h, res.body.id);
    expect(settled).toMatchObject({ status: 'SUCCEEDED', attempts: 3 });
    expect(h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo]).toBe(1);
  });

  it('a definitive DOKU rejection fails the refund at once, and its amount is refundable again', async () => {
    const payment = await paidPayment(h, '2000.00');
    dokuAnswersOnce(h, 'refund', '4035815', 'Transaction Not Permitted');
    const res = await refund(payment.id, { amount: idr('2000.00') });
    const settled = await settledRefund(h, res.body.id);
    expect(settled).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      failureCode: '4035815',
      failureMessage: 'Transaction Not Permitted',
    });
    expect(h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo] ?? 0).toBe(0);
    const again = await refund(payment.id, { amount: idr('2000.00') });
    expect(again.status).toBe(202);
    expect((await settledRefund(h, again.body.id)).status).toBe('SUCCEEDED');
  });

  it('a 409 duplicate-refund answer never fails the refund: DOKU refundHistory settles it, refunded once', async () => {
    const payment = await paidPayment(h, '2000.00');
    // DOKU refunded, then answered as for a duplicate partnerRefundNo. Marking it FAILED would
    // make the amount refundable again: a second refund of money already returned.
    dokuAnswersOnce(h, 'refund', '4095801', 'Duplicate partnerRefundNo', 'after');
    const res = await refund(payment.id, { amount: idr('2000.00') });
    const settled = await settledRefund(h, res.body.id);
    expect(settled.status).toBe('SUCCEEDED');
    expect(h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo]).toBe(1);
    expect((await paymentState(payment.id)).refundedAmount).toEqual(idr('2000.00'));
    const again = await refund(payment.id, { amount: idr('1.00') });
    expect(again.status).toBe(422);
  });

  it('a timeout after DOKU refunded does not refund twice', async () => {
    const payment = await paidPayment(h);
    h.sim.control.inject({
      operation: 'refund',
      count: 1,
      kind: 'timeout',
      when: 'after',
      delayMs: 3_000,
    });
    const res = await refund(payment.id, { amount: idr('3000.00') });
    const settled = await settledRefund(h, res.body.id);
    expect(settled.status).toBe('SUCCEEDED');
    expect(settled.attempts).toBeGreaterThanOrEqual(1);
    expect(h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo]).toBe(1);
    expect(h.sim.control.payment(payment.partnerReferenceNo)?.refundedTotal).toBe('3000.00');
    expect((await paymentState(payment.id)).refundedAmount).toEqual(idr('3000.00'));
  });

  it('a refused resend after a lost answer never fails a refund DOKU made: its history settles it', async () => {
    const payment = await paidPayment(h, '2000.00');
    // DOKU refunds but its answer is lost; the resend finds no history (the status check fails),
    // and DOKU refuses the resend itself. Failing the refund would free 2,000.00 already returned.
    h.sim.control.inject({ operation: 'refund', count: 1, kind: 'timeout', delayMs: 3_000 });
    h.sim.control.inject({ operation: 'check_status', count: 1, kind: 'http500' });
    dokuAnswersOnce(h, 'refund', '4015800', 'Unauthorized. Signature');
    const res = await refund(payment.id, { amount: idr('2000.00') });
    const settled = await settledRefund(h, res.body.id);
    expect(settled.status).toBe('SUCCEEDED');
    expect(h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo]).toBe(1);
    expect((await paymentState(payment.id)).refundedAmount).toEqual(idr('2000.00'));
    expect((await refund(payment.id, { amount: idr('1.00') })).status).toBe(422);
  });

  it('a refused resend is final once DOKU history shows no such refund', async () => {
    const payment = await paidPayment(h, '2000.00');
    h.sim.control.inject({ operation: 'refund', count: 1, kind: 'http500' });
    dokuAnswersOnce(h, 'refund', '4035815', 'Transaction Not Permitted');
    const res = await refund(payment.id, { amount: idr('2000.00') });
    const settled = await settledRefund(h, res.body.id);
    expect(settled).toMatchObject({ status: 'FAILED', failureCode: '4035815' });
    expect(h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo]).toBeUndefined();
    expect((await refund(payment.id, { amount: idr('2000.00') })).status).toBe(202);
  });

  it('refuses refunds of unpaid payments, duplicates, bad amounts and unknown payments', async () => {
    const unpaid = await h.http.post('/v1/payments').set(h.auth).send(paymentBody());
    expect((await refund(unpaid.body.id, { amount: idr('1.00') })).status).toBe(409);
    const payment = await paidPayment(h);
    const partnerRefundNo = `RF-DUP-${Date.now()}`;
    expect((await refund(payment.id, { amount: idr('1.00'), partnerRefundNo })).status).toBe(202);
    const dup = await refund(payment.id, { amount: idr('1.00'), partnerRefundNo });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DUPLICATE_PARTNER_REFUND_NO');
    for (const amount of [
      idr('0.00'),
      idr('-1.00'),
      idr('1'),
      { value: 1, currency: 'IDR' },
      idr('1.00').value,
    ]) {
      const bad = await refund(payment.id, { amount });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toMatch(/^amount/);
    }
    // An empty reason could not go to DOKU (1-255 characters), and PostgreSQL refuses a NUL.
    for (const reason of ['', 'wrong\u0000size', 'wrong\nsize']) {
      const bad = await refund(payment.id, { amount: idr('1.00'), reason });
      expect(bad.status, JSON.stringify(reason)).toBe(400);
      expect(bad.body.details.map((d: { field?: string }) => d.field)).toContain('reason');
    }
    expect(
      (await refund('00000000-0000-4000-8000-000000000000', { amount: idr('1.00') })).status,
    ).toBe(404);
    expect(
      (await h.http.get('/v1/refunds/00000000-0000-4000-8000-000000000000').set(h.auth)).status,
    ).toBe(404);
  });

  it('Idempotency-Key replays the accepted refund instead of refunding again', async () => {
    const payment = await paidPayment(h);
    const key = `refund-key-${Date.now()}`;
    const first = await refund(payment.id, { amount: idr('100.00') }, { 'Idempotency-Key': key });
    const second = await refund(payment.id, { amount: idr('100.00') }, { 'Idempotency-Key': key });
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    await settledRefund(h, first.body.id);
    expect((await paymentState(payment.id)).refunds).toHaveLength(1);
  });

  for (const [kind, amount] of [
    ['partial', '100.00'],
    ['full', '2000.00'],
  ] as const) {
    it(`a retry with the key after its first answer was lost answers the first ${kind} refund, never a second`, async () => {
      const payment = await paidPayment(h, '2000.00');
      const key = `refund-lost-${kind}-${Date.now()}`;
      const first = await refund(payment.id, { amount: idr(amount) }, { 'Idempotency-Key': key });
      expect(first.status).toBe(202);
      // The accept committed, but the key never learned its answer: its completion failed (the
      // key then stays claimed until its lock runs out) or the commit was in doubt (released).
      await h.db.dataSource.query(`DELETE FROM idempotency_keys WHERE key = $1`, [key]);
      const retry = await refund(payment.id, { amount: idr(amount) }, { 'Idempotency-Key': key });
      expect(retry.status).toBe(202);
      expect(retry.body.id).toBe(first.body.id);
      expect(retry.body.partnerRefundNo).toBe(first.body.partnerRefundNo);
      await settledRefund(h, first.body.id);
      expect((await paymentState(payment.id)).refunds).toHaveLength(1);
      // The retry's answer is kept for the key like any other.
      const again = await refund(payment.id, { amount: idr(amount) }, { 'Idempotency-Key': key });
      expect(again.body.id).toBe(first.body.id);
    });
  }

  it('without a key, or with a partnerRefundNo of their own, a repeated refund is a new one or a 409 as before', async () => {
    const payment = await paidPayment(h);
    const a = await refund(payment.id, { amount: idr('100.00') });
    const b = await refund(payment.id, { amount: idr('100.00') });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.partnerRefundNo).not.toBe(b.body.partnerRefundNo);
    const partnerRefundNo = `RF-OWN-${Date.now()}`;
    const keyed = (key: string) =>
      refund(payment.id, { amount: idr('100.00'), partnerRefundNo }, { 'Idempotency-Key': key });
    expect((await keyed(`own-1-${Date.now()}`)).status).toBe(202);
    const other = await keyed(`own-2-${Date.now()}`);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('DUPLICATE_PARTNER_REFUND_NO');
  });

  it("the sweeper's own runs leave the refund jobs kept for operators in place", async () => {
    const payment = await paidPayment(h, '101000.00');
    const ids: string[] = [];
    for (let i = 0; i < 101; i++) {
      const accepted = await refund(payment.id, { amount: idr('1000.00') });
      expect(accepted.status).toBe(202);
      ids.push(accepted.body.id);
    }
    for (const id of ids) expect((await settledRefund(h, id)).status).toBe('SUCCEEDED');

    // A count-limited cleanup on a sweep run would trim the whole queue's completed jobs.
    const queue = h.app.get<Queue>(getQueueToken(REFUNDS_QUEUE), { strict: false });
    const sweep = await waitFor(
      async () => (await queue.getJobScheduler(REFUND_SWEEP_JOB)) ?? undefined,
      15_000,
      'the sweeper scheduled',
    );
    await waitFor(() => (Date.now() > Number(sweep.next) + 1_000 ? true : undefined));
    const kept = await Promise.all(ids.map((id) => queue.getJob(refundJobId(id))));
    expect(kept.filter((job) => job === undefined)).toHaveLength(0);
  });
});

describe('Bull Board', () => {
  it('shows a failed refund job with its reason; retrying it there never calls DOKU again', async () => {
    const payment = await paidPayment(h, '500.00');
    dokuAnswersOnce(h, 'refund', '4035815', 'Transaction Not Permitted');
    const res = await refund(payment.id, { amount: idr('500.00') });
    expect((await settledRefund(h, res.body.id)).status).toBe('FAILED');
    const ops = { user: 'ops', pass: 'ops-secret-password' };
    const jobId = `refund-${res.body.id}`;
    const job = await waitFor(async () => {
      const r = await h.http
        .get(`/admin/queues/api/queues/refunds/${jobId}`)
        .auth(ops.user, ops.pass);
      return r.body?.job?.failedReason ? r.body.job : undefined;
    });
    expect(job.failedReason).toContain('4035815');
    const callsBefore = h.sim.control.counters().requests.refund;
    const retried = await h.http
      .put(`/admin/queues/api/queues/refunds/${jobId}/retry`)
      .auth(ops.user, ops.pass);
    expect(retried.status).toBeLessThan(300);
    await waitFor(async () => {
      const r = await h.http
        .get(`/admin/queues/api/queues/refunds/${jobId}`)
        .auth(ops.user, ops.pass);
      return r.body?.status === 'completed' ? true : undefined;
    });
    expect(h.sim.control.counters().requests.refund).toBe(callsBefore);
    expect((await h.http.get(`/v1/refunds/${res.body.id}`).set(h.auth)).body.status).toBe('FAILED');
  });

  it('is closed without credentials, open with them, and lists the queues', async () => {
    expect((await h.http.get('/admin/queues')).status).toBe(401);
    expect((await h.http.get('/admin/queues').auth('ops', 'wrong')).status).toBe(401);
    // Everything beneath the page too: its API (which retries and removes jobs) and its assets.
    for (const path of [
      '/admin/queues/',
      '/admin/queues/api/queues',
      '/admin/queues/api/redis/stats',
      // Spelled with %-escapes, which the router decodes: the login follows the route.
      '/admin/%71ueues/api/queues',
      '/%61dmin/queues/api/queues',
      '/admin/queues/%61pi/queues',
    ]) {
      expect((await h.http.get(path)).status, path).toBe(401);
    }
    expect((await h.http.put('/admin/queues/api/queues/refunds/retry/failed')).status).toBe(401);
    const page = await h.http.get('/admin/queues').auth('ops', 'ops-secret-password');
    expect(page.status).toBe(200);
    const api = await h.http.get('/admin/queues/api/queues').auth('ops', 'ops-secret-password');
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'qr-confirmations',
      'reconciliation',
      'refunds',
      'webhook-deliveries',
    ]);
  });
});
