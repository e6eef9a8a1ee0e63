import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/payments/src/config/app-config';
import { MetricsService } from '../apps/payments/src/metrics/metrics.service';
import { keepJobScheduled } from '../apps/payments/src/queues/job-scheduler';
import { QueueWorkers, startQueueWorker } from '../apps/payments/src/queues/queue-worker';
import { redisOptionsFromUrl } from '../apps/payments/src/queues/redis-connection';
import { deleteRedisKeys } from './support/redis-keys';
import { waitFor } from './support/wait';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `queue-workers-${randomBytes(4).toString('hex')}`;
const config = loadConfig({ REDIS_URL: redisUrl, BULLMQ_PREFIX: prefix });
const QUEUE = 'slots';

let queue: Queue | undefined;
let workers: QueueWorkers | undefined;

afterAll(async () => {
  await workers?.close();
  await queue?.close();
  await deleteRedisKeys(redisUrl, prefix);
});

describe('queue workers', () => {
  it('run exactly the configured number of jobs at once, however the slots are split among BullMQ workers', async () => {
    const concurrency = 23;
    let active = 0;
    let peak = 0;
    let completed = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    queue = new Queue(QUEUE, { connection: redisOptionsFromUrl(redisUrl), prefix });
    workers = startQueueWorker(
      QUEUE,
      async () => {
        active++;
        peak = Math.max(peak, active);
        await gate;
        active--;
        completed++;
      },
      config,
      { concurrency, metrics: new MetricsService(), logger: new Logger('QueueWorkersTest') },
    );

    await queue.addBulk(Array.from({ length: 40 }, (_, i) => ({ name: 'job', data: { i } })));
    await waitFor(() => (active === concurrency ? true : undefined), 10_000, 'all slots busy');
    // Time for a slot beyond the configured ones to show itself, if there were one.
    await new Promise((r) => setTimeout(r, 300));
    expect(peak).toBe(concurrency);

    release();
    await waitFor(() => (completed === 40 ? true : undefined), 10_000, 'all jobs done');
    expect(peak).toBe(concurrency);
  });
});

describe('periodic job schedules', () => {
  it('are put back when Redis loses them (a restart without persistence, a flush)', async () => {
    const periodic = new Queue('periodic', { connection: redisOptionsFromUrl(redisUrl), prefix });
    const stop = keepJobScheduled(periodic, 'test-sweep', 60_000, new Logger('test'), 50, 100);
    try {
      const scheduled = () =>
        periodic.getJobScheduler('test-sweep').then((s) => (s ? s : undefined));
      expect((await waitFor(scheduled, 5_000, 'first schedule')).every).toBe(60_000);
      await periodic.removeJobScheduler('test-sweep');
      expect(await periodic.getJobScheduler('test-sweep')).toBeUndefined();
      expect((await waitFor(scheduled, 5_000, 'schedule put back')).every).toBe(60_000);
    } finally {
      stop();
      await periodic.close();
    }
  });
});
