import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DokuSnapClient } from '@app/doku-snap';
import { startDokuSimulator, type RunningSimulator } from '@app/doku-simulator';
import { waitFor } from '../support/wait';
import { clientFor } from './support';
import {
  prepareDana,
  prepareDanaRefund,
  prepareDanaStatus,
} from '../../libs/doku-snap/test/support/dana';

const DEVICE = { deviceId: 'device01', ipAddress: '10.1.2.3' };

describe('DOKU simulator: what libs/doku-snap sends', () => {
  let sim: RunningSimulator;
  let client: DokuSnapClient;
  let seq = 0;

  /** A fresh order paid through the control API (no merchant configured: only the state matters). */
  async function paidOrder(value = '15000.00'): Promise<string> {
    const ref = `ORD-${++seq}-${Date.now()}`;
    const res = await client.send(
      prepareDana(client, {
        partnerReferenceNo: ref,
        amount: { value, currency: 'IDR' },
        returnUrl: 'https://m.example/r',
        ...DEVICE,
      }),
    );
    expect(res.responseCode).toBe('2005400');
    await sim.control.completePayment(ref, '00');
    return ref;
  }

  const refund = (ref: string, partnerRefundNo: string, value: string) =>
    client.send(
      prepareDanaRefund(client, {
        originalPartnerReferenceNo: ref,
        partnerRefundNo,
        refundAmount: { value, currency: 'IDR' },
        reason: 'test',
        ...DEVICE,
      }),
    );

  beforeAll(async () => {
    sim = await startDokuSimulator();
    client = clientFor(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('takes no payment after its validUpTo: the customer finds it expired', async () => {
    const validUpTo = new Date(Date.now() + 1_000);
    const payment = await client.send(
      prepareDana(client, {
        partnerReferenceNo: 'LATE-1',
        amount: { value: '1000.00', currency: 'IDR' },
        returnUrl: 'https://merchant.example/return',
        validUpTo: validUpTo.toISOString().slice(0, 19) + 'Z',
        ...DEVICE,
      }),
    );
    expect(payment.httpStatus).toBe(200);
    await waitFor(() => (Date.now() > validUpTo.getTime() + 1_000 ? true : undefined));
    await expect(sim.control.completePayment('LATE-1', '00')).rejects.toThrow(/expired/);
    const page = await fetch(payment.body!.webRedirectUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=pay',
    });
    expect(page.status).toBe(409);
    expect(sim.control.payment('LATE-1')).toMatchObject({ latestTransactionStatus: '03' });
    // Cancelling or failing an expired payment stays possible.
    await sim.control.completePayment('LATE-1', '05');
  });

  it('token, payment, status, refund and status again all succeed', async () => {
    const prepared = prepareDana(client, {
      partnerReferenceNo: 'FLOW-1',
      amount: { value: '15000.00', currency: 'IDR' },
      returnUrl: 'https://merchant.example/return?order=FLOW-1&src=dana',
      orderTitle: 'Order FLOW-1',
      validUpTo: new Date(Date.now() + 3_600_000).toISOString().slice(0, 19) + 'Z',
      pointOfInitiation: 'app',
      deepLink: false,
      ...DEVICE,
    });
    const payment = await client.send(prepared);
    expect(payment.httpStatus).toBe(200);
    expect(payment.outcome.kind).toBe('success');
    expect(payment.body).toMatchObject({ responseCode: '2005400', partnerReferenceNo: 'FLOW-1' });
    expect(payment.body?.webRedirectUrl).toMatch(new RegExp(`^${sim.url}/pay/[0-9a-f]{24}$`));
    expect(payment.body?.referenceNo).toMatch(/^\d{20}$/);
    expect(sim.control.counters().tokensIssued).toBe(1);

    const pending = await client.send(
      prepareDanaStatus(client, {
        originalPartnerReferenceNo: 'FLOW-1',
        originalReferenceNo: payment.body?.referenceNo,
        originalExternalId: prepared.externalId,
      }),
    );
    expect(pending.body).toMatchObject({
      responseCode: '2005500',
      originalPartnerReferenceNo: 'FLOW-1',
      originalReferenceNo: payment.body?.referenceNo,
      originalExternalId: prepared.externalId,
      serviceCode: '55',
      latestTransactionStatus: '03',
      transAmount: { value: '15000.00', currency: 'IDR' },
      refundHistory: [],
    });
    expect(pending.body?.paidTime).toBeUndefined();

    await sim.control.completePayment('FLOW-1', '00');
    const refunded = await refund('FLOW-1', 'RF-FLOW-1', '5000.00');
    expect(refunded.outcome.kind).toBe('success');
    expect(refunded.body).toMatchObject({
      responseCode: '2005800',
      partnerRefundNo: 'RF-FLOW-1',
      originalPartnerReferenceNo: 'FLOW-1',
      originalReferenceNo: payment.body?.referenceNo,
      refundAmount: { value: '5000.00', currency: 'IDR' },
    });
    expect(refunded.body?.refundTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);

    const paid = await client.send(
      prepareDanaStatus(client, { originalPartnerReferenceNo: 'FLOW-1' }),
    );
    expect(paid.body?.latestTransactionStatus).toBe('00');
    expect(paid.body?.paidTime).toMatch(/\+07:00$/);
    expect(paid.body?.refundHistory).toEqual([
      {
        refundNo: refunded.body?.refundNo,
        partnerReferenceNo: 'RF-FLOW-1',
        refundAmount: { value: '5000.00', currency: 'IDR' },
        refundStatus: 'SUCCESS',
        refundDate: refunded.body?.refundTime,
        reason: 'test',
      },
    ]);
    expect(sim.control.payment('FLOW-1')).toMatchObject({
      latestTransactionStatus: '00',
      refundedTotal: '5000.00',
      externalId: prepared.externalId,
    });
    // One token served every call.
    expect(sim.control.counters().tokensIssued).toBe(1);
  });

  it('answers an unknown payment 4045501 on status and 4045801 on refund', async () => {
    const status = await client.send(
      prepareDanaStatus(client, { originalPartnerReferenceNo: 'NOPE' }),
    );
    expect(status.httpStatus).toBe(404);
    expect(status.responseCode).toBe('4045501');
    expect((await refund('NOPE', 'RF-NOPE', '1.00')).responseCode).toBe('4045801');
  });

  it('does not find a payment under a wrong originalReferenceNo', async () => {
    const ref = await paidOrder();
    const res = await client.send(
      prepareDanaStatus(client, {
        originalPartnerReferenceNo: ref,
        originalReferenceNo: '99999999999999999999',
      }),
    );
    expect(res.responseCode).toBe('4045501');
  });

  it('answers a repeated partnerReferenceNo with the same data with the existing payment, other data 4095401', async () => {
    const input = {
      partnerReferenceNo: 'DUP-1',
      amount: { value: '100.00', currency: 'IDR' },
      returnUrl: 'https://m.example/r',
      ...DEVICE,
    };
    const first = await client.send(prepareDana(client, input));
    const again = await client.send(prepareDana(client, input));
    expect(again.responseCode).toBe('2005400');
    expect(again.body?.referenceNo).toBe(first.body?.referenceNo);
    expect(again.body?.webRedirectUrl).toBe(first.body?.webRedirectUrl);
    const other = await client.send(
      prepareDana(client, { ...input, amount: { value: '200.00', currency: 'IDR' } }),
    );
    expect(other.httpStatus).toBe(409);
    expect(other.responseCode).toBe('4095401');
    expect(sim.control.payment('DUP-1')?.amount.value).toBe('100.00');
    // Status can be asked with either X-EXTERNAL-ID that got the payment.
    const byRepeatId = await client.send(
      prepareDanaStatus(client, {
        originalPartnerReferenceNo: 'DUP-1',
        originalExternalId: again.externalId,
      }),
    );
    expect(byRepeatId.responseCode).toBe('2005500');
  });

  it('refuses to refund an unpaid payment: 4035815', async () => {
    await client.send(
      prepareDana(client, {
        partnerReferenceNo: 'UNPAID-1',
        amount: { value: '100.00', currency: 'IDR' },
        returnUrl: 'https://m.example/r',
        ...DEVICE,
      }),
    );
    const res = await refund('UNPAID-1', 'RF-UNPAID-1', '100.00');
    expect(res.httpStatus).toBe(403);
    expect(res.responseCode).toBe('4035815');
    await sim.control.completePayment('UNPAID-1', '06');
    expect((await refund('UNPAID-1', 'RF-UNPAID-2', '100.00')).responseCode).toBe('4035815');
  });

  it('returns the original result for a repeated partnerRefundNo and never refunds twice', async () => {
    const ref = await paidOrder();
    const first = await refund(ref, `RF-${ref}`, '1000.00');
    const second = await refund(ref, `RF-${ref}`, '1000.00');
    expect(second.responseCode).toBe('2005800');
    expect(second.body?.refundNo).toBe(first.body?.refundNo);
    expect(second.body?.refundTime).toBe(first.body?.refundTime);
    expect(sim.control.counters().refundsExecuted[`RF-${ref}`]).toBe(1);
    expect(sim.control.payment(ref)?.refundedTotal).toBe('1000.00');
    const different = await refund(ref, `RF-${ref}`, '2000.00');
    expect(different.responseCode).toBe('4045818');
  });

  it('executes exactly one refund for 20 concurrent identical calls', async () => {
    const ref = await paidOrder();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refund(ref, `RF-CONC-${ref}`, '15000.00')),
    );
    const externalIds = new Set(results.map((r) => r.externalId));
    expect(externalIds.size).toBe(20);
    for (const r of results) expect(r.responseCode).toBe('2005800');
    expect(new Set(results.map((r) => r.body?.refundNo)).size).toBe(1);
    const counters = sim.control.counters();
    expect(counters.refundsExecuted[`RF-CONC-${ref}`]).toBe(1);
    expect(counters.refundedTotals[ref]).toBe('15000.00');
    expect(sim.control.payment(ref)?.refunds).toHaveLength(1);
  });

  it('never lets the refunded total exceed the paid amount, even under concurrency', async () => {
    const ref = await paidOrder('15000.00');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refund(ref, `RF-CAP-${ref}-${i}`, '2000.00')),
    );
    const ok = results.filter((r) => r.responseCode === '2005800');
    const refused = results.filter((r) => r.responseCode !== '2005800');
    expect(ok).toHaveLength(7);
    for (const r of refused) expect(r.responseCode).toBe('4045813');
    expect(sim.control.payment(ref)?.refundedTotal).toBe('14000.00');
    expect((await refund(ref, `RF-CAP-${ref}-last`, '1000.01')).responseCode).toBe('4045813');
    expect((await refund(ref, `RF-CAP-${ref}-last`, '1000.00')).responseCode).toBe('2005800');
    expect(sim.control.payment(ref)?.refundedTotal).toBe('15000.00');
    expect((await refund(ref, `RF-CAP-${ref}-zero`, '0.00')).responseCode).toBe('4045813');
  });

  it('counts requests and answers per operation and code', async () => {
    const counters = sim.control.counters();
    expect(counters.requests.b2b_token).toBe(1);
    expect(counters.responses.b2b_token).toEqual({ '2007300': 1 });
    expect(counters.responses.refund['2005800']).toBeGreaterThan(20);
    expect(counters.responses.check_status['4045501']).toBeGreaterThanOrEqual(1);
    const entry = sim.control.log(1)[0];
    expect(entry.headers.authorization).toBeUndefined();
    expect(entry.headers['x-signature']).toBeUndefined();
    expect(entry.headers['x-external-id']).toMatch(/^\d+$/);
  });
});
