import { expect } from 'vitest';
import type { FaultOperation } from '@app/doku-simulator';
import { Harness, paymentBody } from './harness';
import { waitFor } from './wait';

/**
 * DOKU's next `operation` call answers with this SNAP code: without acting on it, or, `after`,
 * having acted on it (the answer lies about what DOKU did).
 */
export function dokuAnswersOnce(
  h: Harness,
  operation: FaultOperation,
  code: string,
  message: string,
  when: 'before' | 'after' = 'before',
): void {
  h.sim.control.inject({ operation, count: 1, kind: 'snap_code', code, message, when });
}

export interface CreatedPayment {
  id: string;
  partnerReferenceNo: string;
  referenceNo: string;
  externalId: string;
  status: string;
}

/** A payment created through the API (PENDING, with DOKU's redirect). */
export async function createPayment(
  h: Harness,
  overrides: Record<string, unknown> = {},
): Promise<CreatedPayment> {
  const res = await h.http.post('/v1/payments').set(h.auth).send(paymentBody(overrides));
  expect(res.status).toBe(201);
  return res.body as CreatedPayment;
}

/** The payment as the API shows it now. */
export async function getPayment(h: Harness, id: string) {
  return (await h.http.get(`/v1/payments/${id}`).set(h.auth)).body;
}

/** The payment of an order (its partnerReferenceNo) as the API lists it, if there is one. */
export async function paymentByReference(h: Harness, partnerReferenceNo: unknown) {
  const res = await h.http.get('/v1/payments').query({ partnerReferenceNo }).set(h.auth);
  expect(res.status).toBe(200);
  return res.body.items[0];
}

/** A payment the customer has paid (settled here through DOKU's check status, not the notification). */
export async function paidPayment(
  h: Harness,
  value = '15000.00',
): Promise<{ id: string; partnerReferenceNo: string }> {
  const created = await createPayment(h, { amount: { value, currency: 'IDR' } });
  await h.sim.control.completePayment(created.partnerReferenceNo, '00');
  // Asked again if a check gets no status: the harness gives DOKU calls 1 s, which a loaded
  // machine running several suites at once can miss (503 DOKU_UNAVAILABLE).
  await waitFor(
    async () => {
      const checked = await h.http.post(`/v1/payments/${created.id}/status-check`).set(h.auth);
      return checked.body.status === 'PAID' ? true : undefined;
    },
    10_000,
    `payment ${created.id} to be PAID`,
  );
  return { id: created.id, partnerReferenceNo: created.partnerReferenceNo };
}

const FINAL = new Set(['SUCCEEDED', 'FAILED']);

/** Waits until the refund is SUCCEEDED or FAILED and returns it. */
export function settledRefund(
  h: Harness,
  refundId: string,
  timeoutMs = 20_000,
): Promise<Record<string, unknown> & { status: string; attempts: number }> {
  return waitFor(
    async () => {
      const res = await h.http.get(`/v1/refunds/${refundId}`).set(h.auth);
      return FINAL.has(res.body.status) ? res.body : undefined;
    },
    timeoutMs,
    `refund ${refundId} to settle`,
  );
}

/** A payment's status history as stored, oldest first. */
export function paymentStatusChanges(h: Harness, paymentId: string) {
  return h.db.dataSource.query(
    `SELECT from_status, to_status, source, detail FROM payment_status_changes WHERE payment_id = $1 ORDER BY created_at`,
    [paymentId],
  ) as Promise<
    {
      from_status: string | null;
      to_status: string;
      source: string;
      detail: Record<string, unknown> | null;
    }[]
  >;
}
