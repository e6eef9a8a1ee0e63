import { expect } from 'vitest';
import { Harness, paymentBody } from './harness';
import { waitFor } from './wait';

/** A payment the customer has paid (settled here through DOKU's check status, not the notification). */
export async function paidPayment(
  h: Harness,
  value = '15000.00',
): Promise<{ id: string; partnerReferenceNo: string }> {
  const created = await h.http
    .post('/v1/payments')
    .set(h.auth)
    .send(paymentBody({ amount: { value, currency: 'IDR' } }));
  expect(created.status).toBe(201);
  await h.sim.control.completePayment(created.body.partnerReferenceNo, '00');
  const checked = await h.http.post(`/v1/payments/${created.body.id}/status-check`).set(h.auth);
  expect(checked.body.status).toBe('PAID');
  return { id: created.body.id, partnerReferenceNo: created.body.partnerReferenceNo };
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
