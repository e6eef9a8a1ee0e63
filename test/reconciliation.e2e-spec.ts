import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snapTimestamp, systemClock } from '@app/doku-snap';
import { PaymentsRepository } from '@app/persistence';
import { MetricsService } from '../apps/payments/src/metrics/metrics.service';
import { PaymentStatusService } from '../apps/payments/src/settlement/payment-status.service';
import {
  RECONCILE_PAYMENTS_JOB,
  RECONCILIATION_QUEUE,
} from '../apps/payments/src/queues/queue-names';
import { ReconciliationWorker } from '../apps/payments/src/reconciliation/reconciliation.worker';
import { DEFAULT_RECONCILIATION_OPTIONS } from '../apps/payments/src/reconciliation/reconciliation.options';
import { ReconciliationService } from '../apps/payments/src/reconciliation/reconciliation.service';
import { redisOptionsFromUrl } from '../apps/payments/src/queues/redis-connection';
import { Harness, startHarness } from './support/harness';
import {
  dokuAnswersOnce,
  createPayment as createFlowPayment,
  CreatedPayment,
  getPayment as getFlowPayment,
  paymentStatusChanges,
} from './support/flows';

let h: Harness;
let reconciliation: ReconciliationService;

beforeAll(async () => {
  h = await startHarness();
  reconciliation = h.app.get(ReconciliationService);
});
afterAll(() => h?.close());
beforeEach(async () => {
  h.sim.control.reset();
  // Each test looks at its own payments: settle what earlier tests left PENDING out of the way.
  await h.db.dataSource.query(`UPDATE payments SET status = 'CANCELLED' WHERE status = 'PENDING'`);
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Payment = CreatedPayment;
const createPayment = (overrides: Record<string, unknown> = {}) => createFlowPayment(h, overrides);
const getPayment = (id: string) => getFlowPayment(h, id);

const statusChanges = (paymentId: string) => paymentStatusChanges(h, paymentId);

/** As if the last check's lease had run out (leases run on the database's clock, not the test's). */
const leaseRunOut = (id: string) =>
  h.db.dataSource.query(
    `UPDATE payments SET last_status_check_at = now() - interval '1 hour' WHERE id = $1`,
    [id],
  );

const checksAtDoku = () => h.sim.control.counters().requests.check_status;

/** The customer pays at DOKU, but the notification never reaches us (every attempt fails). */
async function payWithoutNotification(p: Payment): Promise<void> {
  h.sim.control.inject({ operation: 'notify', count: 10, kind: 'http500', when: 'before' });
  const delivery = await h.sim.control.completePayment(p.partnerReferenceNo, '00');
  expect(delivery.ok).toBe(false);
  expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING' });
}

describe('reconciliation settles payments whose notification never came', () => {
  it('leaves payments younger than 60 s alone, then marks a paid one PAID through check status', async () => {
    const p = await createPayment();
    await payWithoutNotification(p);

    const early = await reconciliation.runOnce(Date.now() + 30_000);
    expect(early.claimed).toBe(0);
    expect(checksAtDoku()).toBe(0);

    const run = await reconciliation.runOnce(Date.now() + 61_000);
    expect(run).toMatchObject({ claimed: 1, settled: 1, errors: 0 });
    expect(await getPayment(p.id)).toMatchObject({ status: 'PAID', paidAt: expect.any(String) });
    const changes = await statusChanges(p.id);
    expect(changes.at(-1)).toMatchObject({
      from_status: 'PENDING',
      to_status: 'PAID',
      source: 'reconciliation',
      detail: { latestTransactionStatus: '00', responseCode: '2005500' },
    });
    // The same request DOKU gets from POST /v1/payments/:id/status-check: service code 55.
    const check = h.sim.control.log().find((e) => e.operation === 'check_status');
    expect(JSON.parse(check!.body)).toMatchObject({
      originalPartnerReferenceNo: p.partnerReferenceNo,
      serviceCode: '55',
    });
  });

  it('a payment still pending at DOKU stays PENDING before its deadline, and is not re-checked within the lease', async () => {
    const p = await createPayment();
    const now = Date.now() + 2 * MINUTE;
    expect(await reconciliation.runOnce(now)).toMatchObject({ claimed: 1, pending: 1 });
    expect(await reconciliation.runOnce(now + 1_000)).toMatchObject({ claimed: 0 });
    expect(checksAtDoku()).toBe(1);
    expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING' });
    // Once the lease (on the database's clock) has run out, it is checked again.
    await leaseRunOut(p.id);
    expect(await reconciliation.runOnce(now)).toMatchObject({ claimed: 1, pending: 1 });
  });

  it('cancelled and failed at DOKU become CANCELLED and FAILED', async () => {
    const cancelled = await createPayment();
    const failed = await createPayment();
    h.sim.control.inject({ operation: 'notify', count: 10, kind: 'http500', when: 'before' });
    await h.sim.control.completePayment(cancelled.partnerReferenceNo, '05');
    await h.sim.control.completePayment(failed.partnerReferenceNo, '06');
    expect(await reconciliation.runOnce(Date.now() + 2 * MINUTE)).toMatchObject({
      claimed: 2,
      settled: 2,
    });
    expect(await getPayment(cancelled.id)).toMatchObject({ status: 'CANCELLED' });
    expect(await getPayment(failed.id)).toMatchObject({ status: 'FAILED' });
  });
});

describe('expiry', () => {
  it('past validUpTo and still unpaid at DOKU: EXPIRED after a final check', async () => {
    const validUpTo = Date.now() + 30_000;
    const p = await createPayment({ validUpTo: snapTimestamp(validUpTo) });
    // Past validUpTo but within the grace DOKU gets to finish a last-second payment.
    expect(await reconciliation.runOnce(validUpTo + 40_000)).toMatchObject({
      claimed: 1,
      pending: 1,
    });
    expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING' });
    await leaseRunOut(p.id);

    const checksBefore = checksAtDoku();
    expect(await reconciliation.runOnce(validUpTo + 3 * MINUTE)).toMatchObject({
      claimed: 1,
      expired: 1,
    });
    expect(checksAtDoku()).toBe(checksBefore + 1);
    expect(await getPayment(p.id)).toMatchObject({ status: 'EXPIRED', paidAt: null });
    expect((await statusChanges(p.id)).at(-1)).toMatchObject({
      from_status: 'PENDING',
      to_status: 'EXPIRED',
      source: 'reconciliation',
      detail: {
        reason: 'valid_up_to_passed',
        latestTransactionStatus: '03',
        responseCode: '2005500',
      },
    });
  });

  it('no validUpTo: EXPIRED past the max age (24 h)', async () => {
    const p = await createPayment();
    expect(await reconciliation.runOnce(Date.now() + 23 * HOUR)).toMatchObject({ pending: 1 });
    await leaseRunOut(p.id);
    expect(await reconciliation.runOnce(Date.now() + 25 * HOUR)).toMatchObject({ expired: 1 });
    expect(await getPayment(p.id)).toMatchObject({ status: 'EXPIRED' });
    expect((await statusChanges(p.id)).at(-1)?.detail).toMatchObject({
      reason: 'max_age_exceeded',
    });
  });

  it('paid at DOKU past the deadline: PAID, never EXPIRED', async () => {
    const p = await createPayment();
    await payWithoutNotification(p);
    expect(await reconciliation.runOnce(Date.now() + 25 * HOUR)).toMatchObject({
      settled: 1,
      expired: 0,
    });
    expect(await getPayment(p.id)).toMatchObject({ status: 'PAID' });
  });

  it('DOKU unreachable for the final check: the payment stays PENDING (no proof it did not succeed)', async () => {
    const p = await createPayment();
    h.sim.control.inject({ operation: 'check_status', count: 20, kind: 'http500' });
    expect(await reconciliation.runOnce(Date.now() + 25 * HOUR)).toMatchObject({
      claimed: 1,
      pending: 1,
      expired: 0,
    });
    expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING' });
  });

  it('DOKU never heard of it (404) past the deadline: EXPIRED', async () => {
    const p = await createPayment();
    dokuAnswersOnce(h, 'check_status', '4045501', 'Transaction Not Found');
    expect(await reconciliation.runOnce(Date.now() + 25 * HOUR)).toMatchObject({ expired: 1 });
    expect(await getPayment(p.id)).toMatchObject({ status: 'EXPIRED' });
  });

  it('another 404 (an invalid merchant, not the transaction) past the deadline proves nothing: PENDING', async () => {
    const p = await createPayment();
    dokuAnswersOnce(h, 'check_status', '4045508', 'Invalid Merchant');
    expect(await reconciliation.runOnce(Date.now() + 25 * HOUR)).toMatchObject({ expired: 0 });
    expect(await getPayment(p.id)).toMatchObject({ status: 'PENDING' });
  });
});

describe('bounded and safe with several workers', () => {
  it('claims at most batchSize payments per run, oldest never-checked first', async () => {
    const payments = [await createPayment(), await createPayment(), await createPayment()];
    const small = new ReconciliationService(
      h.app.get(PaymentsRepository),
      h.app.get(PaymentStatusService, { strict: false }),
      { ...DEFAULT_RECONCILIATION_OPTIONS, batchSize: 2 },
      systemClock,
      h.app.get(MetricsService),
    );
    const now = Date.now() + 2 * MINUTE;
    expect(await small.runOnce(now)).toMatchObject({ claimed: 2 });
    expect(await small.runOnce(now)).toMatchObject({ claimed: 1 });
    expect(await small.runOnce(now)).toMatchObject({ claimed: 0 });
    expect(checksAtDoku()).toBe(payments.length);
  });

  it('concurrent runs never check the same payment twice', async () => {
    const payments = await Promise.all(Array.from({ length: 12 }, () => createPayment()));
    const now = Date.now() + 2 * MINUTE;
    const runs = await Promise.all(Array.from({ length: 4 }, () => reconciliation.runOnce(now)));
    expect(runs.reduce((sum, r) => sum + r.claimed, 0)).toBe(payments.length);
    expect(checksAtDoku()).toBe(payments.length);
  });
});

describe('the Job Scheduler and its worker', () => {
  it('keeps a reconciliation Job Scheduler on the reconciliation queue, every 30 s', async () => {
    const queue = h.app.get<Queue>(getQueueToken(RECONCILIATION_QUEUE), { strict: false });
    const scheduler = await queue.getJobScheduler(RECONCILE_PAYMENTS_JOB);
    expect(scheduler).toMatchObject({ key: RECONCILE_PAYMENTS_JOB, every: 30_000 });
  });

  it('the worker runs a reconciliation job to completion', async () => {
    expect(h.app.get(ReconciliationWorker, { strict: false })).toBeInstanceOf(ReconciliationWorker);
    const queue = h.app.get<Queue>(getQueueToken(RECONCILIATION_QUEUE), { strict: false });
    const events = new QueueEvents(RECONCILIATION_QUEUE, {
      connection: redisOptionsFromUrl(h.config.redisUrl),
      prefix: h.config.bullmqPrefix,
    });
    try {
      await events.waitUntilReady();
      const job = await queue.add(RECONCILE_PAYMENTS_JOB, {});
      const result = await job.waitUntilFinished(events, 10_000);
      expect(result).toMatchObject({ claimed: 0, errors: 0 });
    } finally {
      await events.close();
    }
  });
});

describe('roles', () => {
  it('ROLE=worker runs the reconciliation worker and serves none of the DOKU endpoints', async () => {
    const worker = await startHarness({ env: { ROLE: 'worker' } });
    try {
      expect(worker.app.get(ReconciliationWorker, { strict: false })).toBeInstanceOf(
        ReconciliationWorker,
      );
      expect(worker.app.get(ReconciliationService, { strict: false })).toBeInstanceOf(
        ReconciliationService,
      );
      expect((await worker.http.post('/v1.0/debit/notify').send('{}')).status).toBe(404);
    } finally {
      await worker.close();
    }
  });

  it('ROLE=api schedules reconciliation but does not run its worker', async () => {
    const api = await startHarness({ env: { ROLE: 'api' } });
    try {
      expect(() => api.app.get(ReconciliationWorker, { strict: false })).toThrow();
      const queue = api.app.get<Queue>(getQueueToken(RECONCILIATION_QUEUE), { strict: false });
      expect(await queue.getJobScheduler(RECONCILE_PAYMENTS_JOB)).toMatchObject({ every: 30_000 });
    } finally {
      await api.close();
    }
  });
});
