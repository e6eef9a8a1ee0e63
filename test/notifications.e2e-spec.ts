import { createPrivateKey, KeyObject, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  asymmetricStringToSign,
  bodyHash,
  hmacSign,
  loadCredentials,
  rsaSign,
  snapTimestamp,
  symmetricStringToSign,
  tokenStringToSign,
} from '@app/doku-snap';
import { MetricsService } from '../apps/payments/src/metrics/metrics.service';
import { NotificationTokenService } from '../apps/payments/src/notifications/notification-token.service';
import { discrepancies } from './support/metrics';
import { Harness, startHarness } from './support/harness';
import {
  createPayment as createFlowPayment,
  CreatedPayment,
  getPayment as getFlowPayment,
  paymentStatusChanges,
} from './support/flows';

const TOKEN_PATH = '/authorization/v1/access-token/b2b';
const NOTIFY_PATH = '/v1.0/debit/notify';

let h: Harness;
let dokuKey: KeyObject;
let merchantKey: KeyObject;

beforeAll(async () => {
  h = await startHarness();
  dokuKey = createPrivateKey(h.sim.credentials.dokuPrivateKeyPem);
  merchantKey = createPrivateKey(h.sim.credentials.merchantPrivateKeyPem);
});
afterAll(() => h?.close());
beforeEach(() => h.sim.control.reset());

// ---- what DOKU would send, built here with the library's signing functions ----

type Payment = CreatedPayment;
const createPayment = (overrides: Record<string, unknown> = {}) => createFlowPayment(h, overrides);
const getPayment = (id: string) => getFlowPayment(h, id);

function tokenRequestHeaders(options: { key?: KeyObject; clientId?: string; at?: number } = {}) {
  const clientId = h.sim.credentials.clientId;
  const timestamp = snapTimestamp(options.at ?? Date.now());
  return {
    'Content-Type': 'application/json',
    'X-CLIENT-KEY': options.clientId ?? clientId,
    'X-TIMESTAMP': timestamp,
    'X-SIGNATURE': rsaSign(options.key ?? dokuKey, tokenStringToSign(clientId, timestamp)),
  };
}

/** DOKU's step A: a token from us. */
async function tokenFromUs(): Promise<string> {
  const res = await h.http
    .post(TOKEN_PATH)
    .set(tokenRequestHeaders())
    .send('{"grantType":"client_credentials"}');
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

function notificationBody(
  p: Payment,
  status = '00',
  amount = { value: '15000.00', currency: 'IDR' },
): string {
  return JSON.stringify({
    originalPartnerReferenceNo: p.partnerReferenceNo,
    originalReferenceNo: p.referenceNo,
    originalExternalId: p.externalId,
    latestTransactionStatus: status,
    transactionStatusDesc: status === '00' ? 'Success' : 'Failed',
    amount,
    additionalInfo: { channelId: 'EMONEY_DANA_SNAP', acquirerId: 'DANA', accountType: 'EMONEY' },
  });
}

interface SignOptions {
  form?: 'HMAC' | 'RSA';
  token: string;
  at?: number;
  secret?: string;
  key?: KeyObject;
  /** Sign these bytes but send `body`: a body changed in transit. */
  signedBody?: string;
}

function notifyHeaders(body: string, o: SignOptions): Record<string, string> {
  const timestamp = snapTimestamp(o.at ?? Date.now());
  const parts = {
    method: 'POST',
    path: NOTIFY_PATH,
    bodyHash: bodyHash(o.signedBody ?? body),
    timestamp,
  };
  const signature =
    (o.form ?? 'HMAC') === 'HMAC'
      ? hmacSign(
          o.secret ?? h.sim.credentials.clientSecret,
          symmetricStringToSign({ ...parts, accessToken: o.token }),
        )
      : rsaSign(o.key ?? dokuKey, asymmetricStringToSign(parts));
  return {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${o.token}`,
    'X-TIMESTAMP': timestamp,
    'X-SIGNATURE': signature,
    'X-PARTNER-ID': h.sim.credentials.clientId,
    'X-EXTERNAL-ID': String(Date.now()) + randomBytes(4).readUInt32BE(0),
  };
}

const notify = (body: string, headers: Record<string, string>) =>
  h.http.post(NOTIFY_PATH).set(headers).send(body);

const notificationRows = (partnerReferenceNo: string) =>
  h.db.dataSource.query(
    `SELECT id, outcome, repeats, latest_transaction_status AS status, signature_form AS form, payment_id, external_id
       FROM notifications WHERE original_partner_reference_no = $1 ORDER BY received_at`,
    [partnerReferenceNo],
  ) as Promise<
    {
      id: string;
      outcome: string;
      repeats: number;
      status: string;
      form: string;
      payment_id: string | null;
      external_id: string | null;
    }[]
  >;

const statusChanges = (paymentId: string) => paymentStatusChanges(h, paymentId);

async function countedBy(outcome: string): Promise<number> {
  const metric = await h.app.get(MetricsService).notifications.get();
  return metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

/** Runs `fn` and returns how much each outcome's counter moved. */
async function countsDuring(fn: () => Promise<void>): Promise<Record<string, number>> {
  const outcomes = [
    'applied',
    'duplicate',
    'already_final',
    'conflict',
    'amount_mismatch',
    'unknown_payment',
    'ignored',
    'unauthorized',
    'malformed',
    'error',
  ];
  const before = await Promise.all(outcomes.map(countedBy));
  await fn();
  const after = await Promise.all(outcomes.map(countedBy));
  return Object.fromEntries(
    outcomes.map((o, i) => [o, after[i] - before[i]]).filter(([, d]) => d !== 0),
  );
}

function expectSnap(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ responseCode: code, responseMessage: expect.any(String) });
}

// ---- the tests ----

describe('POST /authorization/v1/access-token/b2b (DOKU asks us for a token)', () => {
  it('issues a 900 s bearer token to a request signed with DOKU key, with X-CLIENT-KEY and X-TIMESTAMP', async () => {
    const res = await h.http
      .post(TOKEN_PATH)
      .set(tokenRequestHeaders())
      .send('{"grantType":"client_credentials"}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      responseCode: '2007300',
      responseMessage: 'Successful',
      accessToken: expect.stringMatching(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      additionalInfo: {},
    });
    expect(res.headers['x-client-key']).toBe(h.sim.credentials.clientId);
    expect(res.headers['x-timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    // The secret is never in the token.
    expect(Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString()).not.toContain(
      h.sim.credentials.clientSecret,
    );
  });

  it('refuses a signature by another key, another client, a stale timestamp: 401 4017300', async () => {
    const cases = [
      tokenRequestHeaders({ key: merchantKey }),
      tokenRequestHeaders({ clientId: 'BRN-0000-0000000000000' }),
      tokenRequestHeaders({ at: Date.now() - 6 * 60_000 }),
      tokenRequestHeaders({ at: Date.now() + 6 * 60_000 }),
      { ...tokenRequestHeaders(), 'X-SIGNATURE': 'AAAA' },
    ];
    for (const headers of cases) {
      const res = await h.http
        .post(TOKEN_PATH)
        .set(headers)
        .send('{"grantType":"client_credentials"}');
      expectSnap(res, 401, '4017300');
      expect(res.body.responseMessage).toMatch(/^Unauthorized\. /);
    }
  });

  it('answers malformed requests with SNAP 400 codes, never the internal error shape', async () => {
    const good = tokenRequestHeaders();
    const without = (name: string) =>
      Object.fromEntries(Object.entries(good).filter(([k]) => k !== name));
    expectSnap(
      await h.http
        .post(TOKEN_PATH)
        .set(without('X-SIGNATURE'))
        .send('{"grantType":"client_credentials"}'),
      400,
      '4007302',
    );
    expectSnap(
      await h.http
        .post(TOKEN_PATH)
        .set(without('X-TIMESTAMP'))
        .send('{"grantType":"client_credentials"}'),
      400,
      '4007302',
    );
    expectSnap(
      await h.http
        .post(TOKEN_PATH)
        .set(without('X-CLIENT-KEY'))
        .send('{"grantType":"client_credentials"}'),
      400,
      '4007302',
    );
    expectSnap(
      await h.http
        .post(TOKEN_PATH)
        .set({ ...good, 'X-TIMESTAMP': '2024-13-45 10:00' })
        .send('{}'),
      400,
      '4007301',
    );
    expectSnap(await h.http.post(TOKEN_PATH).set(good).send('{"grantType":'), 400, '4007300');
    expectSnap(await h.http.post(TOKEN_PATH).set(good).send('{}'), 400, '4007302');
    expectSnap(
      await h.http.post(TOKEN_PATH).set(good).send('{"grantType":"password"}'),
      400,
      '4007301',
    );
  });
});

describe('simulator payment flow: pay, DOKU asks a token, then notifies', () => {
  for (const form of ['HMAC', 'RSA'] as const) {
    it(`marks the payment PAID (${form} signature)`, async () => {
      h.sim.control.configure({ notificationForm: form });
      const p = await createPayment();
      const counts = await countsDuring(async () => {
        const delivery = await h.sim.control.completePayment(p.partnerReferenceNo, '00');
        expect(delivery).toMatchObject({
          ok: true,
          tokenStatus: 200,
          status: 200,
          signatureForm: form,
        });
        expect(JSON.parse(delivery.responseBody!)).toEqual({
          responseCode: '2005600',
          responseMessage: 'Successful',
        });
      });
      expect(counts).toEqual({ applied: 1 });

      const paid = await getPayment(p.id);
      expect(paid).toMatchObject({ status: 'PAID', paidAt: expect.any(String) });
      const rows = await notificationRows(p.partnerReferenceNo);
      expect(rows).toEqual([
        expect.objectContaining({
          outcome: 'APPLIED',
          repeats: 0,
          status: '00',
          form,
          payment_id: p.id,
        }),
      ]);
      const changes = await statusChanges(p.id);
      expect(changes.map((c) => [c.from_status, c.to_status, c.source])).toEqual([
        [null, 'PENDING', 'api'],
        ['PENDING', 'PAID', 'notification'],
      ]);
      const delivery = h.sim.control.deliveries()[0];
      expect(changes[1].detail).toEqual({
        notificationId: rows[0].id,
        externalId: delivery.externalId,
        signatureForm: form,
        latestTransactionStatus: '00',
      });
    });
  }

  it('cancelled (05) and failed (06) move the payment to CANCELLED and FAILED', async () => {
    const cancelled = await createPayment();
    const failed = await createPayment();
    expect((await h.sim.control.completePayment(cancelled.partnerReferenceNo, '05')).ok).toBe(true);
    expect((await h.sim.control.completePayment(failed.partnerReferenceNo, '06')).ok).toBe(true);
    expect(await getPayment(cancelled.id)).toMatchObject({
      status: 'CANCELLED',
      failureCode: '05',
      paidAt: null,
    });
    expect(await getPayment(failed.id)).toMatchObject({
      status: 'FAILED',
      failureCode: '06',
      paidAt: null,
    });
  });
  it("a control character in DOKU's free-text description never loses the fact: FAILED, the text kept printable", async () => {
    const p = await createPayment();
    const token = await tokenFromUs();
    const body = JSON.stringify({
      ...JSON.parse(notificationBody(p, '06')),
      // PostgreSQL refuses a NUL in text: stored as it came, the whole notification would fail.
      transactionStatusDesc: 'Declined\u0000by\tissuer',
    });
    const res = await notify(body, notifyHeaders(body, { token }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ responseCode: '2005600', responseMessage: 'Successful' });
    expect(await getPayment(p.id)).toMatchObject({
      status: 'FAILED',
      failureCode: '06',
      failureMessage: 'Declined by issuer',
    });
  });
});

describe('duplicates change nothing twice', () => {
  it('the same captured request resent, and the same fact in the other form: one row, repeats counted, one status change', async () => {
    const p = await createPayment();
    const body = notificationBody(p);
    const token = await tokenFromUs();
    const hmacHeaders = notifyHeaders(body, { form: 'HMAC', token });
    const counts = await countsDuring(async () => {
      for (const headers of [
        hmacHeaders,
        hmacHeaders,
        notifyHeaders(body, { form: 'RSA', token }),
      ]) {
        const res = await notify(body, headers);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ responseCode: '2005600', responseMessage: 'Successful' });
      }
    });
    expect(counts).toEqual({ applied: 1, duplicate: 2 });
    expect(await notificationRows(p.partnerReferenceNo)).toEqual([
      expect.objectContaining({
        outcome: 'APPLIED',
        repeats: 2,
        form: 'HMAC',
        external_id: hmacHeaders['X-EXTERNAL-ID'],
      }),
    ]);
    const changes = await statusChanges(p.id);
    expect(changes.filter((c) => c.to_status === 'PAID')).toHaveLength(1);
    expect(await getPayment(p.id)).toMatchObject({ status: 'PAID' });
  });

  it('a simulator redelivery of a completed payment (both forms) is acknowledged and counted once', async () => {
    const p = await createPayment();
    h.sim.control.configure({ notificationForm: 'HMAC' });
    expect((await h.sim.control.completePayment(p.partnerReferenceNo, '00')).ok).toBe(true);
    const paidAt = (await getPayment(p.id)).paidAt;
    for (const form of ['HMAC', 'RSA'] as const) {
      h.sim.control.configure({ notificationForm: form });
      const again = await h.sim.control.resendNotification(p.partnerReferenceNo);
      expect(again).toMatchObject({ ok: true, status: 200 });
    }
    expect(await notificationRows(p.partnerReferenceNo)).toEqual([
      expect.objectContaining({ outcome: 'APPLIED', repeats: 2 }),
    ]);
    expect((await statusChanges(p.id)).filter((c) => c.source === 'notification')).toHaveLength(1);
    expect((await getPayment(p.id)).paidAt).toBe(paidAt);
  });

  it('concurrent deliveries of one fact: exactly one applies', async () => {
    const p = await createPayment();
    const body = notificationBody(p);
    const token = await tokenFromUs();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => notify(body, notifyHeaders(body, { token }))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await notificationRows(p.partnerReferenceNo)).toEqual([
      expect.objectContaining({ outcome: 'APPLIED', repeats: 7 }),
    ]);
    expect((await statusChanges(p.id)).filter((c) => c.to_status === 'PAID')).toHaveLength(1);
  });

  it('a late or conflicting fact never moves a final status; a conflict is recorded as such', async () => {
    const p = await createPayment();
    const token = await tokenFromUs();
    const send = (status: string) => {
      const body = notificationBody(p, status);
      return notify(body, notifyHeaders(body, { token }));
    };
    const conflictsBefore = await discrepancies(h, 'notification', 'final_status_conflict');
    const counts = await countsDuring(async () => {
      expect((await send('06')).status).toBe(200);
      expect((await send('00')).status).toBe(200);
      expect((await send('05')).status).toBe(200);
      expect((await send('03')).status).toBe(200);
    });
    expect(counts).toEqual({ applied: 1, conflict: 2, ignored: 1 });
    // What operators alert on: each contradiction of a final status, once.
    expect(
      (await discrepancies(h, 'notification', 'final_status_conflict')) - conflictsBefore,
    ).toBe(2);
    expect(await getPayment(p.id)).toMatchObject({ status: 'FAILED', paidAt: null });
    const outcomes = Object.fromEntries(
      (await notificationRows(p.partnerReferenceNo)).map((r) => [r.status, r.outcome]),
    );
    expect(outcomes).toEqual({
      '06': 'APPLIED',
      '00': 'CONFLICT',
      '05': 'CONFLICT',
      '03': 'IGNORED',
    });
  });

  it('a success reported again after a status check already marked it paid is ALREADY_FINAL', async () => {
    const p = await createPayment();
    h.sim.control.inject({ operation: 'notify', count: 4, kind: 'http500', when: 'before' });
    await h.sim.control.completePayment(p.partnerReferenceNo, '00');
    expect((await h.http.post(`/v1/payments/${p.id}/status-check`).set(h.auth)).body.status).toBe(
      'PAID',
    );
    const body = notificationBody(p);
    const res = await notify(body, notifyHeaders(body, { token: await tokenFromUs() }));
    expect(res.status).toBe(200);
    expect(await notificationRows(p.partnerReferenceNo)).toEqual([
      expect.objectContaining({ outcome: 'ALREADY_FINAL' }),
    ]);
    expect((await statusChanges(p.id)).map((c) => c.source)).toEqual(['api', 'status_check']);
  });
});

describe('only DOKU is believed', () => {
  /** Sends one refused request and checks that nothing about the payment moved. */
  async function expectRefused(
    p: Payment,
    body: string,
    headers: Record<string, string>,
    status: number,
    code: string,
  ) {
    const res = await notify(body, headers);
    expectSnap(res, status, code);
    expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING', paidAt: null });
    expect(await notificationRows(p.partnerReferenceNo)).toEqual([]);
    expect(await statusChanges(p.id)).toHaveLength(1);
  }

  it('forged signatures in either form: 401 4015600', async () => {
    const p = await createPayment();
    const body = notificationBody(p);
    const token = await tokenFromUs();
    const counts = await countsDuring(async () => {
      await expectRefused(
        p,
        body,
        notifyHeaders(body, { form: 'HMAC', token, secret: 'SK-not-the-secret-at-all' }),
        401,
        '4015600',
      );
      await expectRefused(
        p,
        body,
        notifyHeaders(body, { form: 'RSA', token, key: merchantKey }),
        401,
        '4015600',
      );
      await expectRefused(
        p,
        body,
        { ...notifyHeaders(body, { token }), 'X-SIGNATURE': 'not base64 at all' },
        401,
        '4015600',
      );
    });
    expect(counts).toEqual({ unauthorized: 3 });
  });

  it('an HMAC signature made with another token than the one presented: 401 4015600', async () => {
    const p = await createPayment();
    const body = notificationBody(p);
    const [presented, other] = [await tokenFromUs(), await tokenFromUs()];
    const headers = {
      ...notifyHeaders(body, { token: other }),
      Authorization: `Bearer ${presented}`,
    };
    await expectRefused(p, body, headers, 401, '4015600');
  });

  it('no token, a token we never issued, a token from another secret, an expired token: 401 4015601', async () => {
    const p = await createPayment();
    const body = notificationBody(p);
    const credentials = loadCredentials({
      clientId: h.sim.credentials.clientId,
      clientSecret: h.sim.credentials.clientSecret,
      privateKey: h.sim.credentials.merchantPrivateKeyPem,
      dokuPublicKey: h.sim.credentials.dokuPublicKeyPem,
    });
    const sixteenMinutesAgo = new NotificationTokenService(credentials, {
      now: () => Date.now() - 16 * 60_000,
    }).issue().accessToken;
    const otherSecret = new NotificationTokenService(
      { ...credentials, clientSecret: 'SK-another-secret-entirely' },
      { now: () => Date.now() },
    ).issue().accessToken;
    const fresh = await tokenFromUs();
    const tampered = fresh.replace(/\.([^.]+)\./, (_, payload: string) => {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      return `.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString('base64url')}.`;
    });
    const counts = await countsDuring(async () => {
      for (const token of [
        randomBytes(32).toString('base64url'),
        otherSecret,
        sixteenMinutesAgo,
        tampered,
      ]) {
        // Signed correctly with the token presented: only the token is wrong.
        await expectRefused(p, body, notifyHeaders(body, { token }), 401, '4015601');
      }
      const { Authorization: _, ...noAuth } = notifyHeaders(body, { token: fresh });
      await expectRefused(p, body, noAuth, 401, '4015601');
      await expectRefused(
        p,
        body,
        { ...notifyHeaders(body, { token: fresh }), Authorization: `Basic ${fresh}` },
        401,
        '4015601',
      );
    });
    expect(counts).toEqual({ unauthorized: 6 });
  });

  it('a stale or future timestamp (outside ±5 min) with an otherwise valid signature: 401 4015600', async () => {
    const p = await createPayment();
    const body = notificationBody(p);
    const token = await tokenFromUs();
    await expectRefused(
      p,
      body,
      notifyHeaders(body, { token, at: Date.now() - 6 * 60_000 }),
      401,
      '4015600',
    );
    await expectRefused(
      p,
      body,
      notifyHeaders(body, { token, form: 'RSA', at: Date.now() + 6 * 60_000 }),
      401,
      '4015600',
    );
  });

  it('a body changed after signing (amount raised or lowered): 401 4015600', async () => {
    const p = await createPayment();
    const signed = notificationBody(p);
    const tampered = notificationBody(p, '00', { value: '1.00', currency: 'IDR' });
    const token = await tokenFromUs();
    await expectRefused(
      p,
      tampered,
      notifyHeaders(tampered, { token, signedBody: signed }),
      401,
      '4015600',
    );
    await expectRefused(
      p,
      tampered,
      notifyHeaders(tampered, { token, form: 'RSA', signedBody: signed }),
      401,
      '4015600',
    );
  });

  it('a signed notification with another amount or currency is recorded AMOUNT_MISMATCH, acknowledged, and marked for attention', async () => {
    const p = await createPayment();
    const token = await tokenFromUs();
    const mismatchesBefore = await discrepancies(h, 'notification', 'amount_mismatch');
    const counts = await countsDuring(async () => {
      const body = notificationBody(p, '00', { value: '1500.00', currency: 'IDR' });
      const res = await notify(body, notifyHeaders(body, { token }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ responseCode: '2005600', responseMessage: 'Successful' });
      // Same fact again: still recorded once.
      expect((await notify(body, notifyHeaders(body, { token, form: 'RSA' }))).status).toBe(200);
    });
    expect(counts).toEqual({ amount_mismatch: 1, duplicate: 1 });
    // Never paid on another amount. DOKU holds 1500.00 for it: under the default policy (refund)
    // the order is FAILED and that money goes back; a person is told.
    expect(await getPayment(p.id)).toMatchObject({
      status: 'FAILED',
      failureCode: 'AMOUNT_MISMATCH',
      paidAt: null,
      attention: {
        reason: 'amount_mismatch',
        detail: expect.objectContaining({
          action: 'refund',
          reported: expect.objectContaining({ amount: { value: '1500.00', currency: 'IDR' } }),
        }),
      },
    });
    expect(await notificationRows(p.partnerReferenceNo)).toEqual([
      expect.objectContaining({ outcome: 'AMOUNT_MISMATCH', repeats: 1, payment_id: p.id }),
    ]);
    expect(await statusChanges(p.id)).toHaveLength(2);

    const other = await createPayment();
    const usd = notificationBody(other, '00', { value: '15000.00', currency: 'USD' });
    expect((await notify(usd, notifyHeaders(usd, { token }))).status).toBe(200);
    // Another currency: no refund can return it; a person decides.
    expect(await getPayment(other.id)).toMatchObject({
      status: 'PENDING',
      attention: { reason: 'amount_mismatch', detail: expect.objectContaining({ action: 'none' }) },
    });
    expect(await notificationRows(other.partnerReferenceNo)).toEqual([
      expect.objectContaining({ outcome: 'AMOUNT_MISMATCH' }),
    ]);
    // Counted once per fact for alerting (the repeat is not a new discrepancy).
    expect((await discrepancies(h, 'notification', 'amount_mismatch')) - mismatchesBefore).toBe(2);
  });

  it('the same amount written with a leading zero is the same amount', async () => {
    const p = await createPayment();
    const body = notificationBody(p, '00', { value: '015000.00', currency: 'IDR' });
    expect((await notify(body, notifyHeaders(body, { token: await tokenFromUs() }))).status).toBe(
      200,
    );
    expect(await getPayment(p.id)).toMatchObject({ status: 'PAID' });
  });
});

describe('unknown orders and malformed notifications', () => {
  it('an unknown originalPartnerReferenceNo is recorded and acknowledged with 404 4045601, repeats too', async () => {
    const ghost: Payment = {
      id: '',
      partnerReferenceNo: `GHOST-${Date.now()}`,
      referenceNo: '1',
      externalId: '1',
      status: 'PENDING',
    };
    const body = notificationBody(ghost);
    const token = await tokenFromUs();
    const counts = await countsDuring(async () => {
      expectSnap(await notify(body, notifyHeaders(body, { token })), 404, '4045601');
      expectSnap(await notify(body, notifyHeaders(body, { token, form: 'RSA' })), 404, '4045601');
    });
    expect(counts).toEqual({ unknown_payment: 1, duplicate: 1 });
    expect(await notificationRows(ghost.partnerReferenceNo)).toEqual([
      expect.objectContaining({ outcome: 'UNKNOWN_PAYMENT', repeats: 1, payment_id: null }),
    ]);
  });

  it('authenticated but malformed bodies get SNAP 400 codes and change nothing', async () => {
    const p = await createPayment();
    const token = await tokenFromUs();
    const valid = JSON.parse(notificationBody(p)) as Record<string, unknown>;
    const cases: [string, string][] = [
      ['{"originalPartnerReferenceNo":', '4005600'],
      ['[]', '4005600'],
      ['"00"', '4005600'],
      ['', '4005600'],
      [JSON.stringify({ ...valid, originalPartnerReferenceNo: undefined }), '4005602'],
      [JSON.stringify({ ...valid, latestTransactionStatus: undefined }), '4005602'],
      [JSON.stringify({ ...valid, amount: undefined }), '4005602'],
      [JSON.stringify({ ...valid, amount: { currency: 'IDR' } }), '4005602'],
      [JSON.stringify({ ...valid, latestTransactionStatus: '99' }), '4005601'],
      [JSON.stringify({ ...valid, latestTransactionStatus: 0 }), '4005601'],
      [JSON.stringify({ ...valid, amount: { value: 15000, currency: 'IDR' } }), '4005601'],
      [JSON.stringify({ ...valid, amount: { value: '15000', currency: 'IDR' } }), '4005601'],
      [JSON.stringify({ ...valid, amount: { value: '15000.00', currency: 'idr' } }), '4005601'],
      [JSON.stringify({ ...valid, amount: '15000.00' }), '4005601'],
      [JSON.stringify({ ...valid, originalPartnerReferenceNo: 'x'.repeat(65) }), '4005601'],
      [JSON.stringify({ ...valid, originalPartnerReferenceNo: 'A\u0000B' }), '4005601'],
      [JSON.stringify({ ...valid, originalPartnerReferenceNo: { $ne: null } }), '4005601'],
    ];
    const counts = await countsDuring(async () => {
      for (const [body, code] of cases) {
        const res = await notify(body, notifyHeaders(body, { token }));
        expect({ body, status: res.status, res: res.body }).toEqual({
          body,
          status: 400,
          res: { responseCode: code, responseMessage: expect.any(String) },
        });
      }
    });
    expect(counts).toEqual({ malformed: cases.length });
    expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING' });
    expect(await notificationRows(p.partnerReferenceNo)).toEqual([]);
  });

  it('missing or malformed headers: SNAP 400s (no signature: 401); a body too large: 400; never a 5xx', async () => {
    const p = await createPayment();
    const token = await tokenFromUs();
    const body = notificationBody(p);
    const headers = notifyHeaders(body, { token });
    const without = (name: string) =>
      Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
    expectSnap(await notify(body, without('X-TIMESTAMP')), 400, '4005602');
    // Unsigned is unauthenticated, as a forged signature is (issue 22's VA notifications too).
    expectSnap(await notify(body, without('X-SIGNATURE')), 401, '4015600');
    expectSnap(await notify(body, { ...headers, 'X-TIMESTAMP': 'yesterday' }), 400, '4005601');
    expectSnap(await notify(body, { ...headers, 'X-EXTERNAL-ID': 'x'.repeat(65) }), 400, '4005601');
    const huge = JSON.stringify({ ...JSON.parse(body), padding: 'x'.repeat(100_000) });
    expectSnap(await notify(huge, notifyHeaders(huge, { token })), 400, '4005600');
    const gzipClaim = await h.http
      .post(NOTIFY_PATH)
      .set({ ...headers, 'Content-Encoding': 'br-unknown' })
      .send(body);
    expect(gzipClaim.status).toBeLessThan(500);
    expect(gzipClaim.body).toEqual({
      responseCode: expect.stringMatching(/^4\d\d56\d\d$/),
      responseMessage: expect.any(String),
    });
    expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING' });
  });

  it('the raw bytes are what is verified: a pretty-printed body, whatever the content type', async () => {
    const p = await createPayment();
    const token = await tokenFromUs();
    const pretty = JSON.stringify(JSON.parse(notificationBody(p)), null, 2);
    const res = await notify(pretty, {
      ...notifyHeaders(pretty, { token, form: 'RSA' }),
      'Content-Type': 'text/plain',
    });
    expect(res.status).toBe(200);
    expect(await getPayment(p.id)).toMatchObject({ status: 'PAID' });
  });

  it('is not behind the internal API key, and the internal API key does not open it', async () => {
    const p = await createPayment();
    const body = notificationBody(p);
    expectSnap(
      await notify(body, { 'Content-Type': 'application/json', ...h.auth }),
      401,
      '4015601',
    );
  });
});

describe('metrics', () => {
  // Runs last: the tests above have produced every outcome at least once.
  it('the Prometheus registry exposes doku_notifications_total by outcome', async () => {
    const text = await h.app.get(MetricsService).registry.metrics();
    for (const outcome of [
      'applied',
      'duplicate',
      'conflict',
      'amount_mismatch',
      'unknown_payment',
      'unauthorized',
      'malformed',
    ]) {
      expect(text).toMatch(
        new RegExp(`^doku_notifications_total\\{outcome="${outcome}"\\} [1-9]\\d*$`, 'm'),
      );
    }
    // No secret ends up as a label or value.
    expect(text).not.toContain(h.sim.credentials.clientSecret);
  });
});
