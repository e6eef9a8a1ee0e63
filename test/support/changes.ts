import { expect } from 'vitest';
import { createPayment, settledRefund } from './flows';
import type { Harness } from './harness';
import { waitFor } from './wait';

/** Runs `work` over `items`, `width` at a time. */
export async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += width)
    await Promise.all(items.slice(i, i + width).map(work));
}

/**
 * `payments` payments paid at DOKU (DOKU's notification settles them) and `refunds` of them
 * refunded in part: payments + refunds status changes, each with its event.
 */
export async function paymentsPaidAndRefunded(
  h: Harness,
  payments: number,
  refunds: number,
): Promise<void> {
  const created: { id: string; partnerReferenceNo: string }[] = [];
  await inBatches(Array.from({ length: payments }), 10, async () => {
    created.push(await createPayment(h, { amount: { value: '5000.00', currency: 'IDR' } }));
  });
  await inBatches(created, 10, (p) => h.sim.control.completePayment(p.partnerReferenceNo, '00'));
  await waitFor(
    async () => {
      const [{ n }] = await h.db.dataSource.query(
        `SELECT count(*)::int AS n FROM payments WHERE status = 'PAID'`,
      );
      return n >= payments ? true : undefined;
    },
    60_000,
    `${payments} payments PAID`,
  );
  await inBatches(created.slice(0, refunds), 10, async (p) => {
    const res = await h.http
      .post(`/v1/payments/${p.id}/refunds`)
      .set(h.auth)
      .send({ amount: { value: '1000.00', currency: 'IDR' } });
    expect(res.status).toBe(202);
    expect((await settledRefund(h, res.body.id, 60_000)).status).toBe('SUCCEEDED');
  });
}

/** The ids of every event recorded. */
export async function recordedEventIds(h: Harness): Promise<Set<string>> {
  const rows: { id: string }[] = await h.db.dataSource.query(`SELECT id FROM events`);
  return new Set(rows.map((r) => r.id));
}
