import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DokuSnapClient, TokenRequestError } from '@app/doku-snap';
import {
  startDokuSimulator,
  type FaultOperation,
  type RunningSimulator,
} from '@app/doku-simulator';
import { clientFor } from './support';
import {
  prepareDana,
  prepareDanaRefund,
  prepareDanaStatus,
} from '../../libs/doku-snap/test/support/dana';

const DEVICE = { deviceId: 'device01' };

describe('DOKU simulator: fault injection', () => {
  let sim: RunningSimulator;
  let client: DokuSnapClient;
  let seq = 0;

  const preparePayment = (ref: string) =>
    prepareDana(client, {
      partnerReferenceNo: ref,
      amount: { value: '15000.00', currency: 'IDR' },
      returnUrl: 'https://m.example/r',
      ...DEVICE,
    });
  const prepareRefund = (ref: string, partnerRefundNo: string, value = '5000.00') =>
    prepareDanaRefund(client, {
      originalPartnerReferenceNo: ref,
      partnerRefundNo,
      refundAmount: { value, currency: 'IDR' },
      ...DEVICE,
    });

  async function paidOrder(): Promise<string> {
    const ref = `FLT-${++seq}`;
    expect((await client.send(preparePayment(ref))).responseCode).toBe('2005400');
    await sim.control.completePayment(ref, '00');
    return ref;
  }

  beforeAll(async () => {
    sim = await startDokuSimulator();
    // A short client deadline so that held answers time out quickly.
    client = clientFor(sim, { timeoutMs: 400 });
  });
  beforeEach(() => sim.control.clearFaults());
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('http500 before: answers 500 and records nothing; a resend is then processed', async () => {
    const ref = await paidOrder();
    sim.control.inject({ operation: 'refund', kind: 'http500', count: 1 });
    const prepared = prepareRefund(ref, `RF-${ref}`);
    const failed = await client.send(prepared);
    expect(failed.httpStatus).toBe(500);
    expect(failed.responseCode).toBe('5005800');
    expect(failed.outcome).toMatchObject({ kind: 'retry_later', ambiguous: true });
    expect(sim.control.payment(ref)?.refunds).toHaveLength(0);
    expect(sim.control.counters().refundsExecuted[`RF-${ref}`]).toBeUndefined();

    // Nothing was recorded, the X-EXTERNAL-ID included: the resend is a first-time call.
    const resent = await client.send(prepared);
    expect(resent.httpStatus).toBe(200);
    expect(resent.responseCode).toBe('2005800');
    expect(sim.control.counters().refundsExecuted[`RF-${ref}`]).toBe(1);
  });

  it('timeout after: the refund is done, the client times out, the replay gets the original answer', async () => {
    const ref = await paidOrder();
    sim.control.inject({ operation: 'refund', kind: 'timeout', count: 1 });
    const prepared = prepareRefund(ref, `RF-${ref}`);
    const lost = await client.send(prepared);
    expect(lost.httpStatus).toBeUndefined();
    expect(lost.error).toMatch(/no answer within/);
    expect(lost.outcome).toMatchObject({ kind: 'retry_later', ambiguous: true });
    const recorded = sim.control.payment(ref)?.refunds ?? [];
    expect(recorded).toHaveLength(1);

    const replay = await client.send(prepared);
    expect(replay.httpStatus).toBe(409);
    expect(replay.outcome).toMatchObject({ kind: 'success', replay: true });
    expect(replay.body?.refundNo).toBe(recorded[0].refundNo);
    expect(sim.control.counters().refundsExecuted[`RF-${ref}`]).toBe(1);
    const entries = sim.control
      .log()
      .filter(
        (e) => e.operation === 'refund' && e.headers['x-external-id'] === prepared.externalId,
      );
    expect(entries.map((e) => e.responseCode)).toEqual(['timeout', '2005800']);
    expect(entries[0]).toMatchObject({ fault: 'timeout', processedResponseCode: '2005800' });
    expect(entries[1].replay).toBe(true);
  });

  it('http500 after on a payment: created although answered 500; the replay returns it', async () => {
    const ref = `FLT-PAY-${++seq}`;
    sim.control.inject({ operation: 'payment', kind: 'http500', count: 1, when: 'after' });
    const prepared = preparePayment(ref);
    const failed = await client.send(prepared);
    expect(failed.httpStatus).toBe(500);
    expect(sim.control.payment(ref)?.latestTransactionStatus).toBe('03');
    const replay = await client.send(prepared);
    expect(replay.httpStatus).toBe(409);
    expect(replay.body).toMatchObject({
      responseCode: '2005400',
      referenceNo: sim.control.payment(ref)?.referenceNo,
    });
  });

  it('http429 before on the token: the token call fails, the next one works', async () => {
    const fresh = clientFor(sim);
    try {
      sim.control.inject({ operation: 'b2b_token', kind: 'http429', count: 1 });
      await expect(
        fresh.send(prepareDanaStatus(fresh, { originalPartnerReferenceNo: 'X' })),
      ).rejects.toBeInstanceOf(TokenRequestError);
      const res = await fresh.send(prepareDanaStatus(fresh, { originalPartnerReferenceNo: 'X' }));
      expect(res.responseCode).toBe('4045501');
      expect(sim.control.counters().responses.b2b_token['4297300']).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('malformed: a 2xx whose body is not JSON', async () => {
    sim.control.inject({ operation: 'check_status', kind: 'malformed', count: 1 });
    const res = await client.send(prepareDanaStatus(client, { originalPartnerReferenceNo: 'X' }));
    expect(res.httpStatus).toBe(200);
    expect(res.error).toBe('unreadable response body');
    expect(res.outcome.kind).toBe('retry_later');
  });

  it('snap_code: answers the given code, HTTP status from its first digits', async () => {
    sim.control.inject({
      operation: 'check_status',
      kind: 'snap_code',
      code: '4035402',
      message: 'Exceeds Transaction Amount Limit',
      count: 2,
    });
    for (let i = 0; i < 2; i++) {
      const res = await client.send(prepareDanaStatus(client, { originalPartnerReferenceNo: 'X' }));
      expect(res.httpStatus).toBe(403);
      expect(res.body).toMatchObject({
        responseCode: '4035402',
        responseMessage: 'Exceeds Transaction Amount Limit',
      });
    }
    // count 2: the third call is normal again.
    expect(
      (await client.send(prepareDanaStatus(client, { originalPartnerReferenceNo: 'X' })))
        .responseCode,
    ).toBe('4045501');
  });

  it('delay: the normal answer, late', async () => {
    sim.control.inject({ operation: 'check_status', kind: 'delay', delayMs: 100, count: 1 });
    const res = await client.send(prepareDanaStatus(client, { originalPartnerReferenceNo: 'X' }));
    expect(res.responseCode).toBe('4045501');
  });

  it('global latency still answers correctly', async () => {
    sim.control.configure({ latencyMs: 20 });
    try {
      const res = await client.send(prepareDanaStatus(client, { originalPartnerReferenceNo: 'X' }));
      expect(res.responseCode).toBe('4045501');
    } finally {
      sim.control.configure({ latencyMs: 0 });
    }
  });

  it('refuses an invalid fault', () => {
    expect(() => sim.control.inject({ operation: 'refund', kind: 'snap_code', count: 1 })).toThrow(
      /code/,
    );
    const operation = 'nothing' as unknown as FaultOperation;
    expect(() => sim.control.inject({ operation, kind: 'http500', count: 1 })).toThrow(/operation/);
    expect(sim.control.faults()).toEqual([]);
  });

  it('reset clears state, counters, log and faults but keeps tokens valid', async () => {
    sim.control.inject({ operation: 'refund', kind: 'http500', count: 5 });
    sim.control.reset();
    expect(sim.control.payments()).toEqual([]);
    expect(sim.control.faults()).toEqual([]);
    expect(sim.control.log()).toEqual([]);
    expect(sim.control.counters().requests.payment).toBe(0);
    const res = await client.send(preparePayment('AFTER-RESET'));
    expect(res.responseCode).toBe('2005400');
    expect(sim.control.counters().tokenRequests).toBe(0);
  });
});
