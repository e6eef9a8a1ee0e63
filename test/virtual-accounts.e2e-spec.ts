import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapTimestamp } from '@app/doku-snap';
import { ReconciliationService } from '../apps/payments/src/reconciliation/reconciliation.service';
import { DokuSignature, notifyAsDoku as notifyAsDokuAt } from './support/doku-notify';
import { paymentStatusChanges } from './support/flows';
import { Harness, paymentBody, startHarness } from './support/harness';
import {
  createVaPayment,
  transferOnPage,
  VA_BINS_ENV,
  vaPaymentBody,
} from './support/virtual-accounts';
import { waitFor } from './support/wait';

const VA_PATH = '/v1.1/transfer-va/payment';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: { CHANNELS: 'DANA,VA_BCA,VA_MANDIRI,VA_BRI,VA_BNI', DOKU_VA_BINS: VA_BINS_ENV },
  });
});
afterAll(() => h?.close());

async function paymentWhen(id: string, done: (p: Record<string, unknown>) => boolean) {
  return waitFor(
    async () => {
      const res = await h.http.get(`/v1/payments/${id}`).set(h.auth);
      return done(res.body) ? (res.body as Record<string, unknown>) : undefined;
    },
    20_000,
    `payment ${id}`,
  );
}

const vaNotificationRows = (partnerReferenceNo: string) =>
  h.db.dataSource.query(
    `SELECT outcome, repeats, payment_id FROM notifications WHERE original_partner_reference_no = $1`,
    [partnerReferenceNo],
  ) as Promise<{ outcome: string; repeats: number; payment_id: string | null }[]>;

/** DOKU's VA notification, signed as DOKU signs it (or not, `sign`). */
const notifyAsDoku = (body: string, sign: DokuSignature = 'HMAC') =>
  notifyAsDokuAt(h, VA_PATH, body, sign, { 'CHANNEL-ID': 'VA004' });

/** What DOKU would notify for a transfer of `value` into the simulator's account `number`. */
function vaNotification(number: string, trxId: string | undefined, value: string): string {
  const account = h.sim.control.virtualAccount(number)!;
  return JSON.stringify({
    partnerServiceId: account.virtualAccountNo.slice(0, 8),
    customerNo: account.virtualAccountNo.slice(8),
    virtualAccountNo: account.virtualAccountNo,
    virtualAccountName: account.name,
    ...(trxId !== undefined ? { trxId } : {}),
    paymentRequestId: `PR${Date.now()}`,
    paidAmount: { value, currency: 'IDR' },
    trxDateTime: snapTimestamp(Date.now()),
    additionalInfo: { channel: account.channel },
  });
}

describe('virtual accounts', () => {
  it('GET /v1/channels lists the enabled banks: no refund, cancellable, customerName required', async () => {
    const res = await h.http.get('/v1/channels').set(h.auth);
    const bca = res.body.items.find((c: { channel: string }) => c.channel === 'VA_BCA');
    expect(bca).toMatchObject({
      kind: 'virtual_account',
      refund: 'none',
      cancellable: true,
      requiresBinding: false,
      requiredFields: ['customerName'],
    });
    const names = res.body.items.map((c: { channel: string }) => c.channel);
    expect(names).not.toContain('VA_PERMATA');
  });

  it.each(['VA_BCA', 'VA_MANDIRI', 'VA_BRI'])(
    '%s: create, transfer on the bank page, PAID by the notification recorded once though DOKU sends it twice',
    async (channel) => {
      const created = await createVaPayment(h, channel, {
        customerEmail: 'budi@example.com',
        customerPhone: '6281234567890',
      });
      expect(created.status).toBe('PENDING');
      const va = created.virtualAccount;
      const atDoku = h.sim.control.virtualAccount(va.number)!;
      expect(atDoku).toMatchObject({ status: 'OPEN', trxId: created.partnerReferenceNo });
      // The BIN space-padded to 8 as DOKU requires; the customer types digits only.
      expect(atDoku.virtualAccountNo).toMatch(/^ +\d+$/);
      expect(atDoku.virtualAccountNo).toHaveLength(8 + 12);
      expect(atDoku.virtualAccountNo.replace(/ /g, '')).toBe(va.number);
      expect(va).toMatchObject({
        bank: channel.slice(3),
        name: 'Budi Santoso',
        howToPayUrl: atDoku.howToPayPage,
      });
      expect(va.number).toMatch(/^\d+$/);
      expect(Date.parse(va.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);

      // DOKU's first delivery reaches us but is counted failed on its side: it sends it again.
      h.sim.control.inject({ operation: 'notify', count: 1, kind: 'http500', when: 'after' });
      expect(await transferOnPage(va.howToPayUrl!)).toBe(303);
      const paid = await paymentWhen(created.id, (p) => p.status === 'PAID');
      expect(paid.attention).toBeNull();
      await waitFor(
        () => {
          const d = h.sim.control
            .deliveries()
            .filter((x) => x.partnerReferenceNo === created.partnerReferenceNo);
          return d.length >= 2 && d.at(-1)!.ok ? d : undefined;
        },
        20_000,
        'the second delivery',
      );
      const rows = await vaNotificationRows(created.partnerReferenceNo);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ outcome: 'APPLIED', payment_id: created.id });
      expect(rows[0].repeats).toBeGreaterThanOrEqual(1);
      const changes = await paymentStatusChanges(h, created.id);
      expect(changes.map((c) => [c.to_status, c.source])).toEqual([
        ['PENDING', 'api'],
        ['PAID', 'notification'],
      ]);
      const last = h.sim.control.deliveries().at(-1)!;
      expect(JSON.parse(last.responseBody!)).toMatchObject({
        responseCode: '2002500',
        virtualAccountData: {
          virtualAccountNo: atDoku.virtualAccountNo,
          trxId: created.partnerReferenceNo,
        },
      });

      const refund = await h.http.post(`/v1/payments/${created.id}/refunds`).set(h.auth).send({});
      expect(refund.status).toBe(422);
      expect(refund.body.code).toBe('REFUND_NOT_SUPPORTED');
    },
  );

  it('a retry of the same order answers the same account; another order never gets it', async () => {
    const body = vaPaymentBody('VA_BCA');
    const first = await h.http.post('/v1/payments').set(h.auth).send(body);
    const again = await h.http.post('/v1/payments').set(h.auth).send(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(409);
    expect(again.body.details[0].paymentId).toBe(first.body.id);
    const other = await createVaPayment(h, 'VA_BCA');
    expect(other.virtualAccount.number).not.toBe(first.body.virtualAccount.number);
  });

  it('an outcome left unknown is resumed by a retry of the order: the same account, sent as the same bytes', async () => {
    h.sim.control.inject({ operation: 'create_va', count: 10, kind: 'http500' });
    const body = vaPaymentBody('VA_BCA');
    const first = await h.http.post('/v1/payments').set(h.auth).send(body);
    h.sim.control.clearFaults();
    expect(first.status, first.text).toBe(503);
    expect(first.body.code).toBe('DOKU_OUTCOME_UNKNOWN');
    const retried = await h.http.post('/v1/payments').set(h.auth).send(body);
    expect(retried.status, retried.text).toBe(201);
    expect(retried.body.id).toBe(first.body.details[0].paymentId);
    const atDoku = h.sim.control
      .virtualAccounts()
      .filter((a) => a.trxId === body.partnerReferenceNo);
    expect(atDoku).toHaveLength(1);
    expect(atDoku[0].number).toBe(retried.body.virtualAccount.number);
    const sent = h.sim.control
      .log()
      .filter(
        (l) => l.operation === 'create_va' && l.body.includes(String(body.partnerReferenceNo)),
      );
    expect(new Set(sent.map((l) => l.body)).size).toBe(1);
  });

  it('expiry: past validUpTo a status check finds it unpaid: EXPIRED; a later transfer is recorded, acknowledged and marked', async () => {
    const created = await createVaPayment(h, 'VA_MANDIRI', {
      validUpTo: snapTimestamp(Date.now() + 120_000),
    });
    const run = await h.app.get(ReconciliationService).runOnce(Date.now() + 10 * 60_000);
    expect(run.expired).toBeGreaterThanOrEqual(1);
    const expired = await paymentWhen(created.id, (p) => p.status === 'EXPIRED');
    expect(expired.lastStatusCheck).toMatchObject({
      responseCode: '2002600',
      transactionStatus: '03',
    });
    const changes = await paymentStatusChanges(h, created.id);
    expect(changes.at(-1)).toMatchObject({ to_status: 'EXPIRED', source: 'reconciliation' });

    // The bank's clock had not passed it yet: the customer's transfer goes through at DOKU.
    await h.sim.control.payVirtualAccount(created.virtualAccount.number);
    const marked = await paymentWhen(created.id, (p) => p.attention !== null);
    expect(marked).toMatchObject({ status: 'EXPIRED', attention: { reason: 'paid_after_expiry' } });
    const listed = await h.http.get('/v1/payments?attention=true').set(h.auth);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(created.id);
    const rows = await vaNotificationRows(created.partnerReferenceNo);
    expect(rows).toMatchObject([{ outcome: 'CONFLICT' }]);
    expect(h.sim.control.deliveries().at(-1)).toMatchObject({ ok: true, status: 200 });
  });

  it('cancel: deleted at DOKU, CANCELLED; the bank then refuses the transfer; a second cancel is 409', async () => {
    const created = await createVaPayment(h, 'VA_BRI');
    const cancelled = await h.http.post(`/v1/payments/${created.id}/cancel`).set(h.auth);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(h.sim.control.virtualAccount(created.virtualAccount.number)!.status).toBe('DELETED');
    const deleteCall = h.sim.control.log().find((l) => l.operation === 'delete_va')!;
    expect(deleteCall).toMatchObject({ method: 'DELETE', responseCode: '2003100' });
    expect(JSON.parse(deleteCall.body)).toMatchObject({ trxId: created.partnerReferenceNo });
    await expect(h.sim.control.payVirtualAccount(created.virtualAccount.number)).rejects.toThrow(
      /DELETED/,
    );
    expect(await transferOnPage(created.virtualAccount.howToPayUrl!)).toBe(409);
    const again = await h.http.post(`/v1/payments/${created.id}/cancel`).set(h.auth);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PAYMENT_NOT_PENDING');

    // Should DOKU report a transfer after all (a bank's late booking): recorded, acknowledged,
    // the payment stays CANCELLED and is marked for a person; no refund is attempted (none exists).
    const late = await notifyAsDoku(
      vaNotification(created.virtualAccount.number, created.partnerReferenceNo, '15000.00'),
    );
    expect(late).toMatchObject({ status: 200, body: { responseCode: '2002500' } });
    const marked = await paymentWhen(created.id, (p) => p.attention !== null);
    expect(marked).toMatchObject({
      status: 'CANCELLED',
      attention: { reason: 'paid_after_cancel' },
      refunds: [],
    });
    const resolve = await h.http
      .post(`/v1/payments/${created.id}/resolve`)
      .set(h.auth)
      .send({ action: 'refund', reason: 'customer asked' });
    expect(resolve.status).toBe(422);
    expect(resolve.body.code).toBe('REFUND_NOT_SUPPORTED');
  });

  it('cancel of a channel that cannot: 409 CANCEL_NOT_SUPPORTED', async () => {
    const dana = await h.http.post('/v1/payments').set(h.auth).send(paymentBody());
    const res = await h.http.post(`/v1/payments/${dana.body.id}/cancel`).set(h.auth);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CANCEL_NOT_SUPPORTED');
  });

  it('cancel racing the transfer, 100 trials: always one final state, the one DOKU has', async () => {
    // How long a cancel takes here and now: the transfers land across that window, so that both
    // orders (and DOKU's refusal of a delete of a paid account) happen whatever the machine's speed.
    const spent = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const created = await createVaPayment(h, 'VA_BNI');
        const started = Date.now();
        await h.http.post(`/v1/payments/${created.id}/cancel`).set(h.auth).expect(200);
        return Date.now() - started;
      }),
    );
    // Ten at a time, as the trials run.
    const window = Math.max(2, spent.reduce((a, b) => a + b, 0) / spent.length);
    const outcomes = { PAID: 0, CANCELLED: 0 };
    const trial = async () => {
      const created = await createVaPayment(h, 'VA_BNI');
      const number = created.virtualAccount.number;
      const transfer = new Promise<void>((resolve) =>
        setTimeout(
          () =>
            h.sim.control.payVirtualAccount(number).then(
              () => resolve(),
              () => resolve(),
            ),
          Math.random() * window,
        ),
      ).catch(() => undefined);
      const cancel = h.http.post(`/v1/payments/${created.id}/cancel`).set(h.auth);
      const [res] = await Promise.all([cancel, transfer]);
      expect([200, 409]).toContain(res.status);
      const atDoku = h.sim.control.virtualAccount(number)!.status;
      expect(['PAID', 'DELETED']).toContain(atDoku);
      const expected = atDoku === 'PAID' ? 'PAID' : 'CANCELLED';
      expect(res.status).toBe(expected === 'CANCELLED' ? 200 : 409);
      const final = await paymentWhen(created.id, (p) => p.status !== 'PENDING');
      expect(final.status).toBe(expected);
      expect(final.attention).toBeNull();
      outcomes[expected]++;
    };
    for (let round = 0; round < 10; round++) await Promise.all(Array.from({ length: 10 }, trial));
    expect(outcomes.PAID + outcomes.CANCELLED).toBe(100);
    // Both orders were tried: a race that always went one way would prove nothing.
    expect(outcomes.PAID, JSON.stringify(outcomes)).toBeGreaterThan(0);
    expect(outcomes.CANCELLED, JSON.stringify(outcomes)).toBeGreaterThan(0);
  }, 120_000);

  it('another amount transferred: not PAID, on the attention list with what was paid', async () => {
    const created = await createVaPayment(h, 'VA_BCA');
    expect(await transferOnPage(created.virtualAccount.howToPayUrl!, '14000')).toBe(303);
    const marked = await paymentWhen(created.id, (p) => p.attention !== null);
    expect(marked.status).not.toBe('PAID');
    expect(marked.attention).toMatchObject({ reason: 'amount_mismatch' });
    const rows = await vaNotificationRows(created.partnerReferenceNo);
    expect(rows).toMatchObject([{ outcome: 'AMOUNT_MISMATCH' }]);
    // Acknowledged all the same: the money is at the bank; DOKU must not retry forever.
    expect(h.sim.control.deliveries().at(-1)).toMatchObject({ ok: true, status: 200 });
  });

  it('forged or unsigned VA notifications: 401 and nothing changes; a signed one for an account never issued: 404 4042512', async () => {
    const created = await createVaPayment(h, 'VA_BCA');
    const body = vaNotification(
      created.virtualAccount.number,
      created.partnerReferenceNo,
      '15000.00',
    );
    for (const sign of ['forged', 'none'] as const) {
      const res = await notifyAsDoku(body, sign);
      expect(res.status, sign).toBe(401);
      expect(res.body.responseCode).toBe('4012500');
    }
    expect(await vaNotificationRows(created.partnerReferenceNo)).toEqual([]);
    const still = await h.http.get(`/v1/payments/${created.id}`).set(h.auth);
    expect(still.body.status).toBe('PENDING');

    const rsa = await notifyAsDoku(body, 'RSA');
    expect(rsa.status).toBe(200);
    expect(rsa.body).toMatchObject({ responseCode: '2002500' });
    await paymentWhen(created.id, (p) => p.status === 'PAID');

    const unknown = JSON.parse(body) as Record<string, unknown>;
    unknown.virtualAccountNo = `${String(unknown.partnerServiceId)}999999999999`;
    unknown.customerNo = '999999999999';
    unknown.trxId = 'NEVER-ISSUED';
    const res = await notifyAsDoku(JSON.stringify(unknown));
    expect(res.status).toBe(404);
    expect(res.body.responseCode).toBe('4042512');
  });

  it('a signed VA notification DOKU could not have meant: SNAP 400s naming the field, never a 5xx, nothing recorded', async () => {
    const created = await createVaPayment(h, 'VA_BCA');
    const good = JSON.parse(
      vaNotification(created.virtualAccount.number, created.partnerReferenceNo, '15000.00'),
    ) as Record<string, unknown>;
    const cases: [string, string, string][] = [
      ['not json', '{"partnerServiceId":', '4002500'],
      ['an array', '[]', '4002500'],
      ['no paidAmount', JSON.stringify({ ...good, paidAmount: undefined }), '4002502'],
      [
        'no paidAmount.value',
        JSON.stringify({ ...good, paidAmount: { currency: 'IDR' } }),
        '4002502',
      ],
      [
        'a number amount',
        JSON.stringify({ ...good, paidAmount: { value: 15000, currency: 'IDR' } }),
        '4002501',
      ],
      ['no virtualAccountNo', JSON.stringify({ ...good, virtualAccountNo: '' }), '4002502'],
      [
        'a virtualAccountNo too long',
        JSON.stringify({ ...good, virtualAccountNo: '1'.repeat(29) }),
        '4002501',
      ],
      ['a trxId of another type', JSON.stringify({ ...good, trxId: 42 }), '4002501'],
    ];
    for (const [what, body, code] of cases) {
      const res = await notifyAsDoku(body);
      expect(res.status, what).toBe(400);
      expect(res.body.responseCode, what).toBe(code);
    }
    expect(await vaNotificationRows(created.partnerReferenceNo)).toEqual([]);
    const still = await h.http.get(`/v1/payments/${created.id}`).set(h.auth);
    expect(still.body.status).toBe('PENDING');
  });
});
