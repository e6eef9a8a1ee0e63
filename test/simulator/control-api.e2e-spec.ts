import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDokuSimulator, type RunningSimulator } from '@app/doku-simulator';
import { createPayment, fetchToken, startTestMerchant, type TestMerchant } from './support';

async function call(sim: RunningSimulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/__control${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions below check the shape
  return { status: res.status, body: (await res.json()) as any };
}

describe('DOKU simulator: control API over HTTP', () => {
  let sim: RunningSimulator;
  let merchant: TestMerchant;

  beforeAll(async () => {
    sim = await startDokuSimulator({ notificationRetryDelaysMs: [] });
    merchant = await startTestMerchant(sim.credentials);
  });
  afterAll(async () => {
    await sim.close();
    await merchant.close();
  });

  it('prints the credentials, keys included (local runs only)', async () => {
    const res = await call(sim, 'GET', '/credentials');
    expect(res.body).toEqual(sim.credentials);
    expect(res.body.clientId).toMatch(/^BRN-SIM-\d+$/);
    expect(res.body.clientSecret).toMatch(/^SK-[A-Za-z0-9]{20}$/);
    expect(res.body.merchantPrivateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(res.body.dokuPublicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('configures, and refuses bad settings with 400', async () => {
    const ok = await call(sim, 'POST', '/config', {
      merchantBaseUrl: `${merchant.url}/`,
      notificationForm: 'RSA',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      merchantBaseUrl: merchant.url,
      notificationForm: 'RSA',
      tokenTtlSeconds: 900,
    });
    const bad = await call(sim, 'POST', '/config', { notificationForm: 'MD5' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/notificationForm/);
    expect((await call(sim, 'GET', '/settings')).body.notificationForm).toBe('RSA');
  });

  it('injects, lists and clears faults', async () => {
    const added = await call(sim, 'POST', '/faults', {
      operation: 'refund',
      kind: 'timeout',
      count: 2,
      delayMs: 1000,
    });
    expect(added.body).toEqual([
      { operation: 'refund', kind: 'timeout', when: 'after', remaining: 2, delayMs: 1000 },
    ]);
    expect(
      (await call(sim, 'POST', '/faults', { operation: 'refund', kind: 'explode' })).status,
    ).toBe(400);
    expect((await call(sim, 'DELETE', '/faults')).body).toEqual([]);
  });

  it('shows payments, completes one (notification delivered), and shows counters, log and deliveries', async () => {
    const token = await fetchToken(sim);
    await createPayment(sim, token, 'CTL/1 ref');
    const list = await call(sim, 'GET', '/payments');
    expect(list.body.map((p: { partnerReferenceNo: string }) => p.partnerReferenceNo)).toEqual([
      'CTL/1 ref',
    ]);
    const one = await call(sim, 'GET', `/payments/${encodeURIComponent('CTL/1 ref')}`);
    expect(one.body).toMatchObject({
      latestTransactionStatus: '03',
      amount: { value: '15000.00', currency: 'IDR' },
      refundedTotal: '0.00',
    });

    const completed = await call(
      sim,
      'POST',
      `/payments/${encodeURIComponent('CTL/1 ref')}/complete`,
      { status: '00' },
    );
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({
      ok: true,
      signatureForm: 'RSA',
      partnerReferenceNo: 'CTL/1 ref',
    });
    expect(merchant.notifications[0].signature).toEqual({
      valid: true,
      form: 'RSA',
      body: 'as-received',
    });

    const again = await call(sim, 'POST', `/payments/${encodeURIComponent('CTL/1 ref')}/complete`, {
      status: '00',
    });
    expect(again.status).toBe(409);
    const resent = await call(sim, 'POST', `/payments/${encodeURIComponent('CTL/1 ref')}/notify`);
    expect(resent.body.ok).toBe(true);
    expect(merchant.notifications).toHaveLength(2);

    expect((await call(sim, 'GET', '/payments/unknown')).status).toBe(404);
    expect((await call(sim, 'POST', '/payments/unknown/complete', { status: '00' })).status).toBe(
      404,
    );

    const counters = await call(sim, 'GET', '/counters');
    expect(counters.body).toMatchObject({
      paymentsCreated: 1,
      tokensIssued: 1,
      notifications: { attempts: 2, delivered: 2 },
    });
    const log = await call(sim, 'GET', '/log?limit=1');
    expect(log.body).toHaveLength(1);
    expect(log.body[0]).toMatchObject({
      operation: 'payment',
      responseCode: '2005400',
      httpStatus: 200,
    });
    expect((await call(sim, 'GET', '/deliveries')).body).toHaveLength(2);
  });

  it('resets, and answers unknown routes 404', async () => {
    expect((await call(sim, 'POST', '/reset')).body).toEqual({ reset: true });
    expect((await call(sim, 'GET', '/payments')).body).toEqual([]);
    expect((await call(sim, 'GET', '/nothing')).status).toBe(404);
  });
});

describe('DOKU simulator: start options', () => {
  it('uses given credentials and a public base URL for payment links', async () => {
    const first = await startDokuSimulator();
    const second = await startDokuSimulator({
      credentials: {
        clientId: 'BRN-0001-1234567890123',
        clientSecret: first.credentials.clientSecret,
        merchantPublicKeyPem: first.credentials.merchantPublicKeyPem,
        dokuPrivateKeyPem: first.credentials.dokuPrivateKeyPem.replace(/\n/g, '\\n'),
      },
      publicBaseUrl: 'http://doku-simulator.local:3100/',
    });
    try {
      expect(second.credentials.clientId).toBe('BRN-0001-1234567890123');
      expect(second.credentials.dokuPublicKeyPem).toBe(first.credentials.dokuPublicKeyPem);
      expect(second.credentials.merchantPrivateKeyPem).toBe('');
      // The merchant public key it was given verifies what the first pair's private half signs.
      const withKey = {
        ...second,
        credentials: {
          ...second.credentials,
          merchantPrivateKeyPem: first.credentials.merchantPrivateKeyPem,
        },
      };
      const token = await fetchToken(withKey);
      const { webRedirectUrl } = await createPayment(withKey, token, 'OPT-1');
      expect(webRedirectUrl).toMatch(/^http:\/\/doku-simulator\.local:3100\/pay\/[0-9a-f]{24}$/);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
