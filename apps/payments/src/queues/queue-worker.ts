import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
 * Slots per BullMQ Worker. A Worker fills its free slots one Redis round trip at a time and
 * starts none of the fetched jobs until all are filled (or the queue is empty): with 50 slots
 * behind a busy event loop, the first refund of a burst waited about a second for the 49 fetches
 * after it. Several Workers of this size fill their slots side by side.
 */
const SLOTS_PER_WORKER = 10;

/** The BullMQ Workers of one queue: `concurrency` slots in all. */
export interface QueueWorkers {
  /** Waits for the jobs in hand, then stops fetching. */
  close(): Promise<void>;
}

/**
 * BullMQ workers as every queue of the service runs them: their own blocking connections that
 * wait out Redis outages, lock duration from configuration, outcomes counted, errors logged (an
 * unhandled 'error' event would end the process). Close them on shutdown: that waits for the
 * jobs in hand.
 */
export function startQueueWorker(
  queue: string,
  handler: (job: Job) => Promise<unknown>,
  config: AppConfig,
  { concurrency, metrics, logger }: QueueWorkerOptions,
): QueueWorkers {
  const workers: Worker[] = [];
  for (let left = concurrency; left > 0; left -= SLOTS_PER_WORKER) {
    const worker = new Worker(queue, handler, {
      connection: redisOptionsFromUrl(config.redisUrl),
      prefix: config.bullmqPrefix,
      concurrency: Math.min(left, SLOTS_PER_WORKER),
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
    workers.push(worker);
  }
  return {
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/** What a queue's worker provider declares: its queue, its slots, and how it handles a job. */
export interface QueueWorkerSpec {
  queue: string;
  concurrency: number;
  handle: (job: Job) => Promise<unknown>;
}

/** A provider that runs one queue's workers for as long as the process runs. */
export abstract class QueueWorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private workers?: QueueWorkers;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  protected abstract workerSpec(): QueueWorkerSpec;

  onApplicationBootstrap(): void {
    const spec = this.workerSpec();
    this.workers = startQueueWorker(spec.queue, spec.handle, this.config, {
      concurrency: spec.concurrency,
      metrics: this.metrics,
      logger: this.logger,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workers?.close();
  }
}
