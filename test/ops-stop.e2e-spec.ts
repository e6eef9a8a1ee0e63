import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { REFUNDS_QUEUE } from '../apps/payments/src/queues/queue-names';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { paidPayment, settledRefund } from './support/flows';
import { Harness, startHarness } from './support/harness';
import {
  buildService,
  removeBuild,
  ServiceProcess,
  startServiceProcess,
} from './support/service-process';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';
import { waitFor } from './support/wait';

/**
 * A stop (SIGTERM) ends within SHUTDOWN_GRACE_MS whatever is down, with an exit status that says
 * how; an outage is a handful of JSON lines, never a flood. The service runs as a process of its
 * own (the build, as in production); the harness in this process is the API and the database.
 */
const redisTarget = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const pgTarget = new URL(
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);
const GRACE_MS = 6_000;

let h: Harness;
let redis: TcpProxy;
let pg: TcpProxy;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  buildService();
  redis = await startTcpProxy({
    host: redisTarget.hostname,
    port: Number(redisTarget.port || 6379),
  });
  pg = await startTcpProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
  h = await startHarness({ env: { ROLE: 'api' } });
}, 120_000);
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill()));
  await redis.up();
  await pg.up();
});
afterAll(async () => {
  await h?.close();
  await redis?.close();
  await pg?.close();
  removeBuild();
});

function via(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = proxy.host;
  u.port = String(proxy.port);
  return u.toString();
}

/** The service as a process of its own, through the proxies, with a short grace. */
async function start(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const service = startServiceProcess({
    ...h.env,
    ROLE: 'worker',
    PORT: '0',
    MIGRATIONS_RUN: 'false',
    LOG_LEVEL: 'info',
    REDIS_URL: `redis://${redis.host}:${redis.port}`,
    DATABASE_URL: via(h.env.DATABASE_URL, pg),
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    ...env,
  });
  processes.push(service);
  await waitFor(
    () => (/listening on/.test(service.output()) ? true : undefined),
    30_000,
    'listening',
  );
  return service;
}

/** Until the worker process's refund workers are connected to Redis (the harness runs none). */
function workersConnected(): Promise<true> {
  const refunds = h.app.get<Queue>(getQueueToken(REFUNDS_QUEUE), { strict: false });
  return waitFor(
    async () => ((await refunds.getWorkers()).length > 0 ? true : undefined),
    30_000,
    'the refund workers to connect',
  );
}

/** SIGTERM, and how long the process took to exit, with which status. */
async function stopTimed(service: ServiceProcess): Promise<{ ms: number; code: number | null }> {
  const started = Date.now();
  const code = await service.stop();
  return { ms: Date.now() - started, code };
}

/** Every line the process wrote is one JSON object (stdout and stderr are read together). */
function expectJsonLines(output: string): Record<string, unknown>[] {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const notJson = lines.filter((l) => {
    try {
      JSON.parse(l);
      return false;
    } catch {
      return true;
    }
  });
  expect(notJson).toEqual([]);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('a stop ends within the grace period, whatever is down', () => {
  it('Redis unreachable from the start: exits, having said so in JSON lines only', async () => {
    await redis.down();
    const service = await start();
    const { ms, code } = await stopTimed(service);
    expect(ms).toBeLessThan(GRACE_MS + 2_000);
    expect([0, 124]).toContain(code);
    const lines = expectJsonLines(service.output());
    expect(lines.some((l) => l.msg === 'Redis is down: connection refused')).toBe(true);
    expect(lines.some((l) => l.msg === 'stopped' || /SHUTDOWN_GRACE_MS/.test(String(l.msg)))).toBe(
      true,
    );
  }, 60_000);

  it('Redis lost while running', async () => {
    const service = await start();
    await workersConnected();
    await redis.down();
    await waitFor(() => (/Redis is down/.test(service.output()) ? true : undefined), 20_000);
    const { ms, code } = await stopTimed(service);
    expect(ms).toBeLessThan(GRACE_MS + 2_000);
    expect([0, 124]).toContain(code);
    expectJsonLines(service.output());
  }, 60_000);

  it('PostgreSQL lost while running', async () => {
    const service = await start();
    await pg.down();
    await waitFor(() => (/PostgreSQL is down/.test(service.output()) ? true : undefined), 20_000);
    const { ms, code } = await stopTimed(service);
    expect(ms).toBeLessThan(GRACE_MS + 2_000);
    expect([0, 124]).toContain(code);
    expectJsonLines(service.output());
  }, 60_000);

  it('a refund in flight past the grace is released, and settles once after a restart', async () => {
    const payment = await paidPayment(h);
    // DOKU refunds at once but answers long after the grace.
    h.sim.control.inject({
      operation: 'refund',
      count: 1,
      kind: 'delay',
      when: 'after',
      delayMs: 30_000,
    });
    const first = await start({ WORKER_LOCK_MS: '1500', DOKU_TIMEOUT_MS: '60000' });
    const res = await h.http
      .post(`/v1/payments/${payment.id}/refunds`)
      .set(h.auth)
      .send({ amount: { value: '1000.00', currency: 'IDR' } });
    expect(res.status).toBe(202);
    await waitFor(
      () => (h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo] ? true : undefined),
      20_000,
      'DOKU to refund',
    );
    const { ms, code } = await stopTimed(first);
    expect(ms).toBeLessThan(GRACE_MS + 2_000);
    expect([0, 124]).toContain(code);
    expect(first.output()).toMatch(/job\(s\) in hand not finished within the stop's grace/);
    h.sim.control.clearFaults();
    await start({ WORKER_LOCK_MS: '1500' });
    const settled = await settledRefund(h, res.body.id, 40_000);
    expect(settled.status).toBe('SUCCEEDED');
    expect(h.sim.control.counters().refundsExecuted[res.body.partnerRefundNo]).toBe(1);
  }, 90_000);
});

describe('an outage is a handful of lines', () => {
  it('Redis down for 30 s: said when it goes, at most once a minute while down, and when it is back', async () => {
    const service = await start({ LOG_LEVEL: 'info' });
    await workersConnected();
    const before = service.output().length;
    await redis.down();
    await new Promise((r) => setTimeout(r, 30_000));
    await redis.up();
    await waitFor(() => (/Redis is back/.test(service.output()) ? true : undefined), 20_000);
    const during = expectJsonLines(service.output().slice(before));
    // Down, back, and perhaps a schedule waiting or put back: not one line per retry (which
    // made about 20 a second).
    expect(during.length).toBeLessThanOrEqual(8);
    expect(
      during.filter((l) => /Redis is down/.test(String(l.msg))),
      JSON.stringify(during.map((l) => l.msg)),
    ).toHaveLength(1);
  }, 90_000);
});
