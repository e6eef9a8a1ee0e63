import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECONCILE_PAYMENTS_JOB,
  RECONCILIATION_QUEUE,
  REFUND_SWEEP_JOB,
  REFUNDS_QUEUE,
} from '../apps/payments/src/queues/queue-names';
import { paidPayment, settledRefund } from './support/flows';
import { Harness, paymentBody, startHarness } from './support/harness';
import { waitFor } from './support/wait';

/** A Redis of the test's own on a free port, which it stops and starts again. */
class DisposableRedis {
  private child?: ChildProcess;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(
      () => portOpen(this.port).then((open) => (open ? true : undefined)),
      10_000,
      'redis to start',
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createServer().listen(port, '127.0.0.1');
    socket.once('listening', () => socket.close(() => resolve(false)));
    socket.once('error', () => resolve(true));
  });
}

let h: Harness;
let redis: DisposableRedis;

beforeAll(async () => {
  redis = new DisposableRedis(await freePort());
  await redis.start();
  h = await startHarness({
    env: {
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      OUTBOX_RELAY_EVERY_MS: '200',
      REFUND_BACKOFF_MS: '50',
    },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await redis?.stop();
});

describe('Redis outage', () => {
  it('refunds accepted while Redis is down all settle after it returns', async () => {
    const payment = await paidPayment(h, '10000.00');
    await redis.stop();

    const accepted = [];
    for (const value of ['1000.00', '2000.00', '3000.00']) {
      const res = await h.http
        .post(`/v1/payments/${payment.id}/refunds`)
        .set(h.auth)
        .send({ amount: { value, currency: 'IDR' } });
      expect(res.status).toBe(202);
      accepted.push(res.body);
    }
    const [{ owed }] = await h.db.dataSource.query(
      `SELECT count(*)::int AS owed FROM outbox_jobs WHERE dispatched_at IS NULL`,
    );
    expect(owed).toBe(3);
    // Their DOKU requests are fixed already (bytes and X-EXTERNAL-ID), before any worker saw them.
    const [{ fixed }] = await h.db.dataSource.query(
      `SELECT count(*)::int AS fixed FROM refunds WHERE id = ANY($1) AND status = 'PENDING'
         AND request_body IS NOT NULL AND external_id IS NOT NULL`,
      [accepted.map((r) => r.id)],
    );
    expect(fixed).toBe(3);

    await redis.start();
    for (const refund of accepted)
      expect((await settledRefund(h, refund.id, 60_000)).status).toBe('SUCCEEDED');
    const p = (await h.http.get(`/v1/payments/${payment.id}`).set(h.auth)).body;
    expect(p.refundedAmount.value).toBe('6000.00');
    for (const refund of accepted)
      expect(h.sim.control.counters().refundsExecuted[refund.partnerRefundNo]).toBe(1);
  }, 120_000);
});

describe('started while Redis is down', () => {
  let late: Harness | undefined;
  let lateRedis: DisposableRedis | undefined;
  afterAll(async () => {
    await late?.close();
    await lateRedis?.stop();
  });

  it('serves payments meanwhile, and schedules reconciliation and the refund sweeper once Redis answers', async () => {
    lateRedis = new DisposableRedis(await freePort());
    late = await startHarness({ env: { REDIS_URL: `redis://127.0.0.1:${lateRedis.port}` } });
    const created = await late.http.post('/v1/payments').set(late.auth).send(paymentBody());
    expect(created.status).toBe(201);
    await lateRedis.start();
    const schedulers = async (queue: string) =>
      (await late!.app.get<Queue>(getQueueToken(queue), { strict: false }).getJobSchedulers()).map(
        (s) => s.key,
      );
    await waitFor(
      async () =>
        (await schedulers(RECONCILIATION_QUEUE)).includes(RECONCILE_PAYMENTS_JOB) &&
        (await schedulers(REFUNDS_QUEUE)).includes(REFUND_SWEEP_JOB)
          ? true
          : undefined,
      20_000,
      'both Job Schedulers in Redis',
    );
  }, 60_000);
});
