import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { redisOptionsFromUrl } from './redis-connection';

export interface QueueWorkerOptions {
  concurrency: number;
  metrics: MetricsService;
  logger: Logger;
}

/**
 * A BullMQ worker as every queue of the service runs it: its own blocking connection that waits
 * out Redis outages, lock duration from configuration, outcomes counted, errors logged (an
 * unhandled 'error' event would end the process). Close it on shutdown: that waits for the jobs
 * in hand.
 */
export function startQueueWorker(
  queue: string,
  handler: (job: Job) => Promise<unknown>,
  config: AppConfig,
  { concurrency, metrics, logger }: QueueWorkerOptions,
): Worker {
  const worker = new Worker(queue, handler, {
    connection: redisOptionsFromUrl(config.redisUrl),
    prefix: config.bullmqPrefix,
    concurrency,
    lockDuration: config.workerLockMs,
    stalledInterval: Math.max(1_000, Math.floor(config.workerLockMs / 2)),
    maxStalledCount: 5,
  });
  worker.on('completed', () => metrics.jobOutcomes.inc({ queue, outcome: 'completed' }));
  worker.on('failed', (job, err) => {
    const final =
      err instanceof UnrecoverableError || !job || job.attemptsMade >= (job.opts.attempts ?? 1);
    metrics.jobOutcomes.inc({ queue, outcome: final ? 'failed' : 'retried' });
    logger.warn(
      { jobId: job?.id, attemptsMade: job?.attemptsMade, reason: err.message },
      final ? 'job failed' : 'job will retry',
    );
  });
  worker.on('error', (err) => logger.warn(`${queue} worker: ${err.message}`));
  return worker;
}
