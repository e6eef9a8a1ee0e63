import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDokuSimulator, type RunningSimulator } from '@app/doku-simulator';
import {
  createPayment,
  eventually,
  fetchToken,
  startTestMerchant,
  type TestMerchant,
} from './support';

describe('DOKU simulator: notifications to the merchant', () => {
  let sim: RunningSimulator;
  let merchant: TestMerchant;
  let token: string;
  let seq = 0;

  async function pendingOrder(): Promise<string> {
    const ref = `NTF-${++seq}`;
    await createPayment(sim, token, ref);
    return ref;
  }

  beforeAll(async () => {
    sim = await startDokuSimulator({ notificationRetryDelaysMs: [50, 100, 200] });
    merchant = await startTestMerchant(sim.credentials);
    sim.control.configure({ merchantBaseUrl: merchant.url });
    token = await fetchToken(sim);
  });
  beforeEach(() => {
    merchant.notifications.length = 0;
    merchant.tokenRequests.length = 0;
    sim.control.configure({ notificationForm: 'HMAC' });
  });
  afterAll(async () => {
    await sim.close();
    await merchant.close();
  });

  it('asks the merchant for a token (RSA, DOKU key), then notifies with an HMAC signature', async () => {
    const ref = await pendingOrder();
    const attempt = await sim.control.completePayment(ref, '00');
    expect(attempt).toMatchObject({
      ok: true,
      attempt: 1,
      tokenStatus: 200,
      status: 200,
      signatureForm: 'HMAC',
    });
    expect(JSON.parse(attempt.responseBody ?? '{}').responseCode).toBe('2005600');

    expect(merchant.tokenRequests).toHaveLength(1);
    const tokenRequest = merchant.tokenRequests[0];
    expect(tokenRequest.signatureValid).toBe(true);
    expect(tokenRequest.headers['x-client-key']).toBe(sim.credentials.clientId);
    expect(JSON.parse(tokenRequest.body)).toEqual({ grantType: 'client_credentials' });

    expect(merchant.notifications).toHaveLength(1);
    const n = merchant.notifications[0];
    expect(n.tokenKnown).toBe(true);
    expect(n.signature).toEqual({ valid: true, form: 'HMAC', body: 'as-received' });
    expect(n.headers['x-partner-id']).toBe(sim.credentials.clientId);
    expect(n.headers['x-external-id']).toMatch(/^\d{1,36}$/);
    expect(n.headers['x-timestamp']).toMatch(/\+07:00$/);
    const payment = sim.control.payment(ref);
    expect(n.body).toEqual({
      originalPartnerReferenceNo: ref,
      originalReferenceNo: payment?.referenceNo,
      originalExternalId: payment?.externalId,
      latestTransactionStatus: '00',
      transactionStatusDesc: 'Success',
      amount: { value: '15000.00', currency: 'IDR' },
      additionalInfo: { channelId: 'EMONEY_DANA_SNAP', acquirerId: 'DANA', accountType: 'EMONEY' },
    });
  });

  it('signs with the DOKU RSA key when configured to', async () => {
    sim.control.configure({ notificationForm: 'RSA' });
    const ref = await pendingOrder();
    const attempt = await sim.control.completePayment(ref, '00');
    expect(attempt).toMatchObject({ ok: true, signatureForm: 'RSA' });
    expect(merchant.notifications[0].signature).toEqual({
      valid: true,
      form: 'RSA',
      body: 'as-received',
    });
    expect(String(merchant.notifications[0].headers['x-signature'])).toHaveLength(344);
  });

  it('notifies failed and cancelled payments too', async () => {
    const failed = await pendingOrder();
    await sim.control.completePayment(failed, '06');
    const cancelled = await pendingOrder();
    await sim.control.completePayment(cancelled, '05');
    expect(
      merchant.notifications.map((n) => [
        n.body.latestTransactionStatus,
        n.body.transactionStatusDesc,
      ]),
    ).toEqual([
      ['06', 'Failed'],
      ['05', 'Cancelled'],
    ]);
    await expect(sim.control.completePayment(failed, '00')).rejects.toThrow(/already Failed/);
  });

  it('retries after a non-2xx answer, same body and X-EXTERNAL-ID, fresh token and signature', async () => {
    merchant.failNext(1, 500);
    const ref = await pendingOrder();
    const first = await sim.control.completePayment(ref, '00');
    expect(first).toMatchObject({ ok: false, status: 500, attempt: 1 });
    expect(first.nextRetryInMs).toBeDefined();

    const [a, b] = await merchant.waitFor(2);
    expect(b.raw).toBe(a.raw);
    expect(b.headers['x-external-id']).toBe(a.headers['x-external-id']);
    expect(b.signature.valid).toBe(true);
    expect(merchant.tokenRequests).toHaveLength(2);
    const second = await eventually(() =>
      sim.control
        .deliveries()
        .find((d) => d.notificationId === first.notificationId && d.attempt === 2),
    );
    expect(second.ok).toBe(true);
  });

  it('gives up after the last scheduled retry', async () => {
    merchant.failNext(10, 503);
    const ref = await pendingOrder();
    const first = await sim.control.completePayment(ref, '00');
    await merchant.waitFor(4);
    const attempts = await eventually(() => {
      const mine = sim.control
        .deliveries()
        .filter((d) => d.notificationId === first.notificationId);
      return mine.length === 4 ? mine : undefined;
    });
    expect(attempts.every((d) => !d.ok && d.status === 503)).toBe(true);
    expect(attempts[3].nextRetryInMs).toBeUndefined();
    merchant.failNext(0);
  });

  it('notify fault before: the first attempt is not sent, the retry is', async () => {
    sim.control.inject({ operation: 'notify', kind: 'http500', count: 1 });
    const ref = await pendingOrder();
    const first = await sim.control.completePayment(ref, '00');
    expect(first).toMatchObject({ ok: false, fault: 'http500' });
    expect(first.status).toBeUndefined();
    const [n] = await merchant.waitFor(1);
    expect(n.signature.valid).toBe(true);
  });

  it('notify fault after: sent, but counted as failed, so the merchant gets a duplicate', async () => {
    sim.control.inject({ operation: 'notify', kind: 'http500', when: 'after', count: 1 });
    const ref = await pendingOrder();
    const first = await sim.control.completePayment(ref, '00');
    expect(first).toMatchObject({ ok: false, status: 200, fault: 'http500' });
    const [a, b] = await merchant.waitFor(2);
    expect(b.raw).toBe(a.raw);
  });

  it('notify fault malformed: the signature does not verify', async () => {
    sim.control.inject({ operation: 'notify', kind: 'malformed', count: 1 });
    const ref = await pendingOrder();
    await sim.control.completePayment(ref, '00');
    expect(merchant.notifications[0].signature.valid).toBe(false);
    expect(merchant.notifications[0].tokenKnown).toBe(true);
  });

  it('records a failed attempt when the merchant is unreachable', async () => {
    const ref = await pendingOrder();
    sim.control.configure({ merchantBaseUrl: 'http://127.0.0.1:9' });
    try {
      const attempt = await sim.control.completePayment(ref, '00');
      expect(attempt.ok).toBe(false);
      expect(attempt.error).toBeTruthy();
    } finally {
      sim.control.configure({ merchantBaseUrl: merchant.url });
    }
  });
});
