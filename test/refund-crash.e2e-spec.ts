import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { paidPayment, settledRefund } from './support/flows';
import { Harness, startHarness } from './support/harness';
import {
  buildService,
  removeBuild,
  ServiceProcess,
  startWorkerProcess,
} from './support/service-process';
import { waitFor } from './support/wait';

/**
 * A refund worker dies (SIGKILL) with a refund in hand; another worker takes over. Whatever the
 * moment, the refund ends SUCCEEDED and DOKU refunded exactly once.
 */
let h: Harness;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  buildService();
  // The API in this process runs no workers: refunds are processed only by the child processes.
  h = await startHarness({ env: { ROLE: 'api' } });
}, 120_000);

// Each scenario starts with no worker alive, so the one killed is the one holding the refund.
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

afterAll(async () => {
  await h?.close();
  removeBuild();
});

function startWorker(): ServiceProcess {
  const worker = startWorkerProcess(h.env, {
    DOKU_TIMEOUT_MS: '10000',
    REFUND_BACKOFF_MS: '100',
  });
  workers.push(worker);
  return worker;
}

async function refundRow(id: string): Promise<{ status: string; attempts: number }> {
  const [row] = await h.db.dataSource.query(`SELECT status, attempts FROM refunds WHERE id = $1`, [
    id,
  ]);
  return row;
}

async function requestRefund(paymentId: string, value: string) {
  const res = await h.http
    .post(`/v1/payments/${paymentId}/refunds`)
    .set(h.auth)
    .send({ amount: { value, currency: 'IDR' } });
  expect(res.status).toBe(202);
  return res.body as { id: string; partnerRefundNo: string };
}

async function expectSettledOnce(
  refund: { id: string; partnerRefundNo: string },
  payment: { id: string; partnerReferenceNo: string },
  value: string,
) {
  const settled = await settledRefund(h, refund.id, 40_000);
  expect(settled.status).toBe('SUCCEEDED');
  expect(h.sim.control.counters().refundsExecuted[refund.partnerRefundNo]).toBe(1);
  const p = (await h.http.get(`/v1/payments/${payment.id}`).set(h.auth)).body;
  expect(p.refundedAmount.value).toBe(value);
  expect(h.sim.control.payment(payment.partnerReferenceNo)?.refundedTotal).toBe(value);
}

/** A paid payment, DOKU's refund answer held back `answerDelayMs`, one worker, and a refund DOKU has executed. */
async function refundExecutedByDoku(value: string, answerDelayMs: number) {
  const payment = await paidPayment(h);
  h.sim.control.inject({
    operation: 'refund',
    count: 1,
    kind: 'delay',
    when: 'after',
    delayMs: answerDelayMs,
  });
  const worker = startWorker();
  const refund = await requestRefund(payment.id, value);
  await waitFor(
    () =>
      h.sim.control.counters().refundsExecuted[refund.partnerRefundNo] === 1 ? true : undefined,
    30_000,
    'DOKU to refund',
  );
  return { payment, refund, worker };
}

describe('a refund worker killed mid-flight', () => {
  it('before the DOKU call (refund claimed, token request pending)', async () => {
    const payment = await paidPayment(h);
    const tokensBefore = h.sim.control.counters().tokenRequests;
    h.sim.control.inject({ operation: 'b2b_token', count: 1, kind: 'delay', delayMs: 5_000 });
    const a = startWorker();
    const refund = await requestRefund(payment.id, '1000.00');
    await waitFor(
      async () =>
        (await refundRow(refund.id)).status === 'PROCESSING' &&
        h.sim.control.counters().tokenRequests > tokensBefore
          ? true
          : undefined,
      30_000,
      'claim',
    );
    await a.kill();
    expect(h.sim.control.counters().refundsExecuted[refund.partnerRefundNo] ?? 0).toBe(0);
    h.sim.control.clearFaults();
    startWorker();
    await expectSettledOnce(refund, payment, '1000.00');
  }, 60_000);

  it('during the DOKU call (DOKU refunded, its answer not yet back)', async () => {
    const { payment, refund, worker: a } = await refundExecutedByDoku('2000.00', 5_000);
    await a.kill();
    expect((await refundRow(refund.id)).status).toBe('PROCESSING');
    startWorker();
    await expectSettledOnce(refund, payment, '2000.00');
  }, 60_000);

  it('after DOKU answered, before the success was committed', async () => {
    const { payment, refund, worker: a } = await refundExecutedByDoku('3000.00', 1_000);
    // Hold the refund row: the worker gets DOKU's answer but cannot commit it.
    const blocker = new Client({ connectionString: h.db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT id FROM refunds WHERE id = $1 FOR UPDATE', [refund.id]);
    await waitFor(
      () =>
        h.sim.control
          .log()
          .some((e) => e.operation === 'refund' && e.responseCode.startsWith('200'))
          ? true
          : undefined,
      10_000,
      'DOKU answer',
    );
    await new Promise((r) => setTimeout(r, 300));
    await a.kill();
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect((await refundRow(refund.id)).status).toBe('PROCESSING');
    startWorker();
    await expectSettledOnce(refund, payment, '3000.00');
  }, 60_000);

  it('SIGTERM: the worker finishes the refund in hand before it exits', async () => {
    const { refund, worker: a } = await refundExecutedByDoku('4000.00', 1_500);
    await a.stop();
    // Nest re-raises SIGTERM once its shutdown hooks (closing the worker) have run.
    expect(a.child.signalCode === 'SIGTERM' || a.child.exitCode === 0).toBe(true);
    expect((await refundRow(refund.id)).status).toBe('SUCCEEDED');
    expect(h.sim.control.counters().refundsExecuted[refund.partnerRefundNo]).toBe(1);
  }, 60_000);
});
