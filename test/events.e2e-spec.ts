import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentsRepository } from '@app/persistence';
import { createPayment } from './support/flows';
import { Harness, startHarness } from './support/harness';
import { inBatches } from './support/changes';
import { waitFor } from './support/wait';

/**
 * Events exist exactly when their changes committed, and the catch-up API never skips one that
 * commits late. No endpoint is configured here: events are recorded and served all the same.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

type EventItem = { id: string; type: string; data: { id: string; status: string } };

async function eventsAfter(after?: string): Promise<{ items: EventItem[]; nextCursor: string }> {
  const res = await h.http
    .get('/v1/events')
    .query({ limit: 100, ...(after ? { after } : {}) })
    .set(h.auth);
  expect(res.status).toBe(200);
  return res.body;
}

const eventsOf = async (resourceId: string) =>
  (await h.db.dataSource.query(`SELECT type FROM events WHERE resource_id = $1`, [resourceId])).map(
    (r: { type: string }) => r.type,
  ) as string[];

describe('atomicity', () => {
  it('a change that rolls back leaves no event; one that commits leaves exactly one', async () => {
    const payments = h.app.get(PaymentsRepository);
    const p = await createPayment(h);
    const runner = h.db.dataSource.createQueryRunner();
    await runner.startTransaction();
    const moved = await payments.changeStatusIn(runner.manager, p.id, {
      to: 'PAID',
      source: 'api',
    });
    expect(moved.changed).toBe(true);
    await runner.rollbackTransaction();
    await runner.release();
    expect(await eventsOf(p.id)).toEqual([]);
    expect((await h.http.get(`/v1/payments/${p.id}`).set(h.auth)).body.status).toBe('PENDING');

    await payments.changeStatus(p.id, { to: 'PAID', source: 'api' });
    await payments.changeStatus(p.id, { to: 'PAID', source: 'api' });
    expect(await eventsOf(p.id)).toEqual(['payment.paid']);
  });

  it("DOKU's notification racing status checks for one payment gives exactly one payment.paid", async () => {
    const created = await Promise.all(Array.from({ length: 8 }, () => createPayment(h)));
    await inBatches(created, 8, async (p) => {
      await Promise.all([
        h.sim.control.completePayment(p.partnerReferenceNo, '00'),
        ...Array.from({ length: 4 }, () =>
          h.http.post(`/v1/payments/${p.id}/status-check`).set(h.auth),
        ),
      ]);
    });
    for (const p of created) {
      await waitFor(async () => ((await eventsOf(p.id)).length > 0 ? true : undefined));
      expect(await eventsOf(p.id)).toEqual(['payment.paid']);
    }
  });
});

describe('catch-up', () => {
  it('an event whose transaction commits after a later one is returned once it commits, and neither is skipped or repeated', async () => {
    const payments = h.app.get(PaymentsRepository);
    const start = await eventsAfter();
    let cursor = start.nextCursor;
    const [early, late] = [await createPayment(h), await createPayment(h)];

    const runner = h.db.dataSource.createQueryRunner();
    await runner.startTransaction();
    await payments.changeStatusIn(runner.manager, early.id, { to: 'PAID', source: 'api' });
    await payments.changeStatus(late.id, { to: 'FAILED', source: 'api' });

    // The later change has committed, the earlier is still open: neither is given yet (giving the
    // later one would move the cursor past the earlier one for ever).
    const whileOpen = await eventsAfter(cursor);
    const ids = (page: { items: EventItem[] }) => page.items.map((e) => e.data.id);
    expect(ids(whileOpen)).not.toContain(early.id);
    expect(ids(whileOpen)).not.toContain(late.id);
    cursor = whileOpen.nextCursor ?? cursor;

    await runner.commitTransaction();
    await runner.release();
    // Given as soon as no older transaction is open (another test's, on this cluster, may be).
    const after = await waitFor(async () => {
      const page = await eventsAfter(cursor);
      return page.items.length > 0 ? page : undefined;
    });
    expect(ids(after)).toEqual([early.id, late.id]);
    expect(after.items.map((e) => e.type)).toEqual(['payment.paid', 'payment.failed']);

    // Paged on from there: nothing again.
    expect((await eventsAfter(after.nextCursor)).items).toEqual([]);
    // Read whole from the start: each once.
    const all = (await eventsAfter()).items.map((e) => e.id);
    expect(new Set(all).size).toBe(all.length);
  });

  it('a cursor that is not one the API gave is a 400 naming after; an unknown event a 404', async () => {
    const bad = await h.http.get('/v1/events').query({ after: 'bm90LWEtY3Vyc29y' }).set(h.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'after' })]);
    const type = await h.http.get('/v1/events').query({ type: 'payment.lost' }).set(h.auth);
    expect(type.status).toBe(400);
    const missing = await h.http.get(`/v1/events/evt_${'0'.repeat(32)}`).set(h.auth);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('EVENT_NOT_FOUND');
    const malformed = await h.http.get('/v1/events/nope').set(h.auth);
    expect(malformed.status).toBe(400);
  });
});
