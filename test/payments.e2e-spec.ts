import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSnapTimestamp, snapTimestamp } from '@app/doku-snap';
import { dokuAnswersOnce, paymentByReference } from './support/flows';
import { waitFor } from './support/wait';
import { Harness, paymentBody, startHarness } from './support/harness';
import { discrepancies } from './support/metrics';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(() => h.sim.control.reset());

const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.http.post('/v1/payments').set(h.auth).set(headers).send(body);

const parse = (body: string): Record<string, unknown> => {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
};

const dokuPaymentsReceived = (partnerReferenceNo: string) =>
  h.sim.control
    .log()
    .filter(
      (e) => e.operation === 'payment' && parse(e.body).partnerReferenceNo === partnerReferenceNo,
    );

describe('POST /v1/payments', () => {
  it('creates a PENDING payment with the DANA redirect, readable by id and by order reference', async () => {
    const body = paymentBody();
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      partnerReferenceNo: body.partnerReferenceNo,
      channel: 'DANA',
      amount: { value: '15000.00', currency: 'IDR' },
      status: 'PENDING',
      refundedAmount: { value: '0.00', currency: 'IDR' },
    });
    expect(res.body.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\//);
    expect(typeof res.body.referenceNo).toBe('string');
    expect(res.body.externalId).toMatch(/^\d{1,36}$/);

    const byId = await h.http.get(`/v1/payments/${res.body.id}`).set(h.auth);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: res.body.id, status: 'PENDING', refunds: [] });

    const byRef = await h.http
      .get('/v1/payments')
      .query({ partnerReferenceNo: body.partnerReferenceNo })
      .set(h.auth);
    expect(byRef.status).toBe(200);
    expect(byRef.body.items.map((p: { id: string }) => p.id)).toEqual([res.body.id]);

    const atDoku = h.sim.control.payment(body.partnerReferenceNo as string);
    expect(atDoku?.externalId).toBe(res.body.externalId);
  });

  it('refuses callers without a valid API key', async () => {
    for (const headers of [
      {},
      { Authorization: 'Bearer wrong-key-wrong-key-wrong' },
      { Authorization: 'Basic abc' },
    ]) {
      const res = await h.http.post('/v1/payments').set(headers).send(paymentBody());
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String), details: [] });
    }
  });

  it('a DOKU "in progress" answer leaves the payment PENDING', async () => {
    dokuAnswersOnce(h, 'payment', '2025400', 'Request In Progress');
    const res = await create(paymentBody());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('PENDING');
  });

  it('a definitive business rejection fails the payment with DOKU code and message (422)', async () => {
    dokuAnswersOnce(h, 'payment', '4035402', 'Exceeds Transaction Amount Limit');
    const body = paymentBody();
    const res = await create(body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PAYMENT_REJECTED');
    expect(res.body.details[0]).toMatchObject({ dokuResponseCode: '4035402' });
    expect(await paymentByReference(h, body.partnerReferenceNo)).toMatchObject({
      status: 'FAILED',
      failureCode: '4035402',
      failureMessage: 'Exceeds Transaction Amount Limit',
    });
  });

  it('a 409 that is no replay (DOKU already holds the order) leaves it PENDING (503), never FAILED; its status settles it', async () => {
    // DOKU made the payment, then answered as if it were a duplicate: what a first send that
    // timed out and was resent on another Jakarta day (a new X-EXTERNAL-ID) gets back.
    dokuAnswersOnce(h, 'payment', '4095401', 'Duplicate partnerReferenceNo', 'after');
    const body = paymentBody();
    const res = await create(body);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      code: 'DOKU_OUTCOME_UNKNOWN',
      details: [expect.objectContaining({ message: '4095401 Duplicate partnerReferenceNo' })],
    });
    const stored = await paymentByReference(h, body.partnerReferenceNo);
    expect(stored).toMatchObject({ status: 'PENDING', failureCode: null });
    await h.sim.control.completePayment(body.partnerReferenceNo as string, '00');
    const checked = await h.http.post(`/v1/payments/${stored.id}/status-check`).set(h.auth);
    expect(checked.body).toMatchObject({ id: stored.id, status: 'PAID' });
  });

  it('any other DOKU rejection is a 502 with DOKU code, payment FAILED', async () => {
    dokuAnswersOnce(h, 'payment', '4005401', 'Invalid Field Format amount');
    const res = await create(paymentBody());
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({
      code: 'DOKU_REJECTED',
      details: [expect.objectContaining({ dokuResponseCode: '4005401' })],
    });
  });

  for (const fault of [
    { kind: 'http500', when: 'after' },
    { kind: 'timeout', when: 'after', delayMs: 3000 },
    { kind: 'http500', when: 'before' },
  ] as const) {
    it(`recovers the redirect after ${fault.kind} (${fault.when}) by resending the same id and bytes; DOKU sees one payment`, async () => {
      h.sim.control.inject({ operation: 'payment', count: 1, ...fault });
      const body = paymentBody();
      const res = await create(body);
      expect(res.status).toBe(201);
      expect(res.body.redirectUrl).toBeTruthy();
      const sent = dokuPaymentsReceived(body.partnerReferenceNo as string);
      expect(sent).toHaveLength(2);
      expect(new Set(sent.map((e) => e.headers['x-external-id']))).toEqual(
        new Set([res.body.externalId]),
      );
      expect(sent[0].body).toBe(sent[1].body);
      expect(
        h.sim.control.payments().filter((p) => p.partnerReferenceNo === body.partnerReferenceNo),
      ).toHaveLength(1);
    });
  }

  it('an outcome that stays unknown leaves the payment PENDING (503); a retry with the same Idempotency-Key resumes it', async () => {
    h.sim.control.inject({ operation: 'payment', count: 3, kind: 'http500', when: 'after' });
    const body = paymentBody();
    const key = `key-${Date.now()}`;
    const first = await create(body, { 'Idempotency-Key': key });
    expect(first.status).toBe(503);
    expect(first.body.code).toBe('DOKU_OUTCOME_UNKNOWN');
    const pending = await paymentByReference(h, body.partnerReferenceNo);
    expect(pending).toMatchObject({ status: 'PENDING', redirectUrl: null });

    const retry = await create(body, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: pending.id, status: 'PENDING' });
    expect(retry.body.redirectUrl).toBeTruthy();
    expect(
      h.sim.control.payments().filter((p) => p.partnerReferenceNo === body.partnerReferenceNo),
    ).toHaveLength(1);
    expect(
      new Set(
        dokuPaymentsReceived(body.partnerReferenceNo as string).map(
          (e) => e.headers['x-external-id'],
        ),
      ).size,
    ).toBe(1);
  });

  it('an outcome left unknown without an Idempotency-Key resumes with a plain retry of the same request', async () => {
    h.sim.control.inject({ operation: 'payment', count: 3, kind: 'http500', when: 'after' });
    const body = paymentBody();
    const first = await create(body);
    expect(first.status).toBe(503);
    expect(first.body.code).toBe('DOKU_OUTCOME_UNKNOWN');
    expect(first.body.message).toMatch(/send the same request again/);
    const pending = await paymentByReference(h, body.partnerReferenceNo);
    expect(pending).toMatchObject({ status: 'PENDING', redirectUrl: null });

    // Another body for the order is still a duplicate, and says which payment holds it.
    const other = await create({ ...body, orderTitle: 'something else' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      code: 'DUPLICATE_PARTNER_REFERENCE_NO',
      details: [expect.objectContaining({ paymentId: pending.id })],
    });
    const retry = await create(body);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: pending.id, status: 'PENDING' });
    expect(retry.body.redirectUrl).toBeTruthy();
    // The same bytes under the same X-EXTERNAL-ID each time: DOKU holds one payment.
    const sent = dokuPaymentsReceived(body.partnerReferenceNo as string);
    expect(new Set(sent.map((e) => e.headers['x-external-id'])).size).toBe(1);
    expect(
      h.sim.control.payments().filter((p) => p.partnerReferenceNo === body.partnerReferenceNo),
    ).toHaveLength(1);
    // Done: the same request again is a duplicate, not a second submission.
    expect((await create(body)).body.code).toBe('DUPLICATE_PARTNER_REFERENCE_NO');
  });

  it('the same request while the first is still with DOKU is 409 PAYMENT_IN_PROGRESS', async () => {
    h.sim.control.inject({ operation: 'payment', count: 1, kind: 'delay', delayMs: 600 });
    const body = paymentBody();
    const firstP = create(body).then((r) => r);
    await waitFor(() =>
      dokuPaymentsReceived(body.partnerReferenceNo as string).length ? true : undefined,
    );
    const during = await create(body);
    expect(during.status).toBe(409);
    expect(during.body.code).toBe('PAYMENT_IN_PROGRESS');
    expect((await firstP).status).toBe(201);
  });

  it('a duplicate partnerReferenceNo is 409', async () => {
    const body = paymentBody();
    expect((await create(body)).status).toBe(201);
    const again = await create({ ...body, amount: { value: '1.00', currency: 'IDR' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE_PARTNER_REFERENCE_NO');
  });

  it('50 parallel creates for one partnerReferenceNo give one payment and one DOKU call', async () => {
    const body = paymentBody();
    const results = await Promise.all(Array.from({ length: 50 }, () => create(body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(dokuPaymentsReceived(body.partnerReferenceNo as string)).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, 422 for another body', async () => {
    const body = paymentBody();
    const first = await create(body, { 'Idempotency-Key': 'same-key-1' });
    const second = await create(body, { 'Idempotency-Key': 'same-key-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const other = await create(
      { ...body, orderTitle: 'other' },
      { 'Idempotency-Key': 'same-key-1' },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(dokuPaymentsReceived(body.partnerReferenceNo as string)).toHaveLength(1);
  });

  it('answers 409 while the first request is still running', async () => {
    h.sim.control.inject({ operation: 'payment', count: 1, kind: 'delay', delayMs: 400 });
    const body = paymentBody();
    // supertest sends on then(): start the first request now.
    const firstP = create(body, { 'Idempotency-Key': 'slow-key' }).then((r) => r);
    await new Promise((r) => setTimeout(r, 150));
    const during = await create(body, { 'Idempotency-Key': 'slow-key' });
    expect(during.status).toBe(409);
    expect(during.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect((await firstP).status).toBe(201);
  });

  it('replays, or resumes, a payment whose validUpTo has passed since; a new one with it is refused', async () => {
    // Whole seconds, so 5-6 s ahead: room for the two creates (one with three sends) on a slow
    // machine before it passes.
    const soon = Date.now() + 6_000;
    const validUpTo = snapTimestamp(soon);
    const replayed = paymentBody({ validUpTo });
    const resumed = paymentBody({ validUpTo });
    const first = await create(replayed, { 'Idempotency-Key': `late-replay-${soon}` });
    expect(first.status).toBe(201);
    h.sim.control.inject({ operation: 'payment', count: 3, kind: 'http500', when: 'after' });
    expect((await create(resumed, { 'Idempotency-Key': `late-resume-${soon}` })).status).toBe(503);
    await new Promise((r) => setTimeout(r, parseSnapTimestamp(validUpTo)! + 200 - Date.now()));

    const replay = await create(replayed, { 'Idempotency-Key': `late-replay-${soon}` });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const resume = await create(resumed, { 'Idempotency-Key': `late-resume-${soon}` });
    expect(resume.status).toBe(201);
    expect(resume.body.redirectUrl).toBeTruthy();
    const late = await create(paymentBody({ validUpTo }));
    expect(late.status).toBe(400);
    expect(late.body.details[0].field).toBe('validUpTo');
  });

  it('refuses a malformed key', async () => {
    const res = await create(paymentBody(), { 'Idempotency-Key': 'x'.repeat(256) });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('Idempotency-Key');
  });
});

describe('POST /v1/payments/:id/status-check', () => {
  it('asks DOKU and applies the answer', async () => {
    const res = await create(paymentBody());
    await h.sim.control.completePayment(res.body.partnerReferenceNo, '00');
    const checked = await h.http.post(`/v1/payments/${res.body.id}/status-check`).set(h.auth);
    expect(checked.status).toBe(200);
    expect(checked.body.status).toBe('PAID');
    expect(checked.body.paidAt).toBeTruthy();
    const checks = h.sim.control.log().filter((e) => e.operation === 'check_status');
    expect(parse(checks.at(-1)!.body)).toMatchObject({
      originalPartnerReferenceNo: res.body.partnerReferenceNo,
      serviceCode: '55',
    });
  });

  it('a status check contradicting a final status changes nothing and is counted for alerting', async () => {
    // DOKU created the payment but answered with a rejection: FAILED here, then paid there.
    dokuAnswersOnce(h, 'payment', '4035402', 'Exceeds Transaction Amount Limit', 'after');
    const body = paymentBody();
    expect((await create(body)).status).toBe(422);
    const failed = await paymentByReference(h, body.partnerReferenceNo);
    await h.sim.control.completePayment(body.partnerReferenceNo as string, '00');
    const counted = () => discrepancies(h, 'status_check', 'final_status_conflict');
    const before = await counted();
    const checked = await h.http.post(`/v1/payments/${failed.id}/status-check`).set(h.auth);
    expect(checked.body).toMatchObject({ id: failed.id, status: 'FAILED' });
    expect((await counted()) - before).toBe(1);
  });

  it('DOKU reporting another amount paid: never PAID, counted for alerting, marked for attention', async () => {
    const created = await create(paymentBody());
    await h.sim.control.completePayment(created.body.partnerReferenceNo, '00', {
      value: '1.00',
      currency: 'IDR',
    });
    const counted = () => discrepancies(h, 'status_check', 'amount_mismatch');
    const before = await counted();
    const checked = await h.http.post(`/v1/payments/${created.body.id}/status-check`).set(h.auth);
    // Under the default policy (refund) the order is FAILED and the 1.00 DOKU took goes back.
    expect(checked.body).toMatchObject({
      id: created.body.id,
      status: 'FAILED',
      failureCode: 'AMOUNT_MISMATCH',
      paidAt: null,
      attention: { reason: 'amount_mismatch' },
    });
    expect((await counted()) - before).toBe(1);
  });

  it('an answer without a status (DOKU still processing) is a 503, never the unchanged payment as if checked', async () => {
    const created = await create(paymentBody());
    dokuAnswersOnce(h, 'check_status', '2025500', 'Request In Progress');
    const checked = await h.http.post(`/v1/payments/${created.body.id}/status-check`).set(h.auth);
    expect(checked.status).toBe(503);
    expect(checked.body).toMatchObject({ code: 'DOKU_UNAVAILABLE' });
    expect(checked.body.details[0]).toMatchObject({ paymentId: created.body.id });
    // The next check gets DOKU's status.
    const again = await h.http.post(`/v1/payments/${created.body.id}/status-check`).set(h.auth);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('PENDING');
  });

  it('DOKU refusing the status check itself never reads as a failed payment: 502, the payment as it was', async () => {
    const created = await create(paymentBody());
    await h.sim.control.completePayment(created.body.partnerReferenceNo, '00');
    dokuAnswersOnce(h, 'check_status', '4035506', 'Feature Not Allowed At This Time');
    const checked = await h.http.post(`/v1/payments/${created.body.id}/status-check`).set(h.auth);
    expect(checked.status).toBe(502);
    expect(checked.body.code).toBe('DOKU_STATUS_CHECK_REFUSED');
    expect(checked.body.details[0]).toMatchObject({
      dokuResponseCode: '4035506',
      paymentId: created.body.id,
    });
    // The notification had already made it PAID; the refused inquiry changes nothing.
    expect((await h.http.get(`/v1/payments/${created.body.id}`).set(h.auth)).body.status).toBe(
      'PAID',
    );
  });

  it('404 for an unknown payment, 400 for a malformed id', async () => {
    expect(
      (
        await h.http
          .post('/v1/payments/00000000-0000-4000-8000-000000000000/status-check')
          .set(h.auth)
      ).status,
    ).toBe(404);
    const bad = await h.http.get('/v1/payments/not-a-uuid').set(h.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('id');
  });
});

describe('OpenAPI', () => {
  it('documents the internal API from the DTOs at /docs-json, with the UI at /docs', async () => {
    const doc = await h.http.get('/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/payments',
        '/v1/payments/{id}',
        '/v1/payments/{id}/status-check',
        '/v1/payments/{id}/refunds',
        '/v1/refunds/{id}',
      ]),
    );
    const create = doc.body.components.schemas.CreatePaymentDto;
    expect(create.required).toEqual(expect.arrayContaining(['partnerReferenceNo', 'amount']));
    // What a channel requires is said per field (and by GET /v1/channels).
    expect(create.properties.deviceId.description).toMatch(/Required by DANA and SHOPEEPAY/);
    expect(create.properties.bindingId.description).toMatch(/OVO \(required\)/);
    expect((await h.http.get('/docs')).status).toBe(200);
  });
});
