import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_QRIS_TERMINAL } from '@app/doku-snap';
import { QR_CONFIRMATIONS_QUEUE } from '../apps/payments/src/queues/queue-names';
import { Harness, paymentBody, startHarness } from './support/harness';
import {
  buildService,
  removeBuild,
  ServiceProcess,
  startWorkerProcess,
} from './support/service-process';
import { waitFor } from './support/wait';

/**
 * The only process confirming QRs by query dies (SIGKILL) with queries in hand, the customers pay
 * while none runs, and a new worker starts: every QR ends PAID, with no notification from DOKU.
 */
let h: Harness;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  buildService();
  // The API here; the QR queries only in the child processes.
  h = await startHarness({
    env: {
      ROLE: 'api',
      CHANNELS: 'DANA,QRIS',
      DOKU_QRIS_MERCHANT_ID: SIMULATED_QRIS_TERMINAL.merchantId,
      DOKU_QRIS_TERMINAL_ID: SIMULATED_QRIS_TERMINAL.terminalId,
      DOKU_QRIS_POSTAL_CODE: SIMULATED_QRIS_TERMINAL.postalCode,
      QRIS_QUERY_INTERVALS_MS: '100*20,400',
    },
  });
  // Slow answers: the kill finds queries in flight.
  h.sim.control.configure({ latencyMs: 200 });
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await h?.close();
  removeBuild();
});

function startWorker(): ServiceProcess {
  const worker = startWorkerProcess(h.env);
  workers.push(worker);
  return worker;
}

const queriesOf = (ref: string) =>
  h.sim.control.log().filter((l) => l.operation === 'qris_query' && l.body.includes(ref)).length;

describe('the QR confirmation worker restarted mid-confirmation', () => {
  it('SIGKILL with queries in flight, QRs paid while no worker runs: every one PAID after the restart', async () => {
    const first = startWorker();
    const created: { id: string; partnerReferenceNo: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const { partnerReferenceNo, amount } = paymentBody();
      const res = await h.http
        .post('/v1/payments')
        .set(h.auth)
        .send({ channel: 'QRIS', partnerReferenceNo, amount });
      expect(res.status, res.text).toBe(201);
      created.push({ id: res.body.id as string, partnerReferenceNo: String(partnerReferenceNo) });
    }
    // The first worker is confirming: every QR asked about at least once, and queries in hand.
    await waitFor(
      () => (created.every((p) => queriesOf(p.partnerReferenceNo) >= 1) ? true : undefined),
      60_000,
      'each QR queried by the first worker',
    );
    const queue = h.app.get<Queue>(getQueueToken(QR_CONFIRMATIONS_QUEUE));
    await waitFor(async () => ((await queue.getActiveCount()) > 0 ? true : undefined));
    await first.kill();

    for (const p of created) await h.sim.control.payQr(p.partnerReferenceNo);
    const statuses = async () =>
      (
        await h.db.dataSource.query<{ status: string }[]>(
          `SELECT status FROM payments WHERE id = ANY($1::uuid[])`,
          [created.map((p) => p.id)],
        )
      ).map((r) => r.status);
    // Nobody confirms while no worker runs.
    expect(await statuses()).toEqual(created.map(() => 'PENDING'));

    startWorker();
    await waitFor(
      async () => ((await statuses()).every((s) => s === 'PAID') ? true : undefined),
      90_000,
      'every QR PAID after the restart',
    );
  });
});
