import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DependencyWatch } from '../common/dependency-watch';
import { runWork, WorkFields } from '../logging/work-context';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { redisOptionsFromUrl } from './redis-connection';

export interface QueueWorkerOptions {
  concurrency: number;
  metrics: MetricsService;
  logger: Logger;
  /** Where connection errors go (logged once per outage, not once per retry). */
  redis?: DependencyWatch;
}

/**
 * BullMQ's scripts refusing one job's move (its key or lock gone: a Redis that lost its data, a
 * job stalled and taken by another worker): Redis answered, so it is no outage of Redis.
 */
const JOB_STATE_ERROR = /^(Missing (key|lock) for job|Lock mismatch for job|Job \S+ is not in)/;

/**
 * Slots per BullMQ Worker. A Worker fills its free slots one Redis round trip at a time and
 * starts none of the fetched jobs until all are filled (or the queue is empty): with 50 slots
 * behind a busy event loop, the first refund of a burst waited about a second for the 49 fetches
 * after it. Several Workers of this size fill their slots side by side.
 */
const SLOTS_PER_WORKER = 10;

/** The BullMQ Workers of one queue: `concurrency` slots in all. */
export interface QueueWorkers {
  /**
   * Stops fetching and waits for the jobs in hand, `withinMs` at most (Redis may be away, and a
   * job's completion be unrecordable): then closes without them, and says which. A job left so
   * keeps its lock until it lapses, and another worker takes it (every handler may run twice).
   * Answers the ids of the jobs released.
   */
  close(withinMs?: number): Promise<string[]>;
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
  { concurrency, metrics, logger, redis }: QueueWorkerOptions,
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
    worker.on('completed', (job) =>
      metrics.jobOutcomes.inc({ queue, job: job.name, outcome: 'completed' }),
    );
    worker.on('failed', (job, err) => {
      const final =
        err instanceof UnrecoverableError || !job || job.attemptsMade >= (job.opts.attempts ?? 1);
      metrics.jobOutcomes.inc({
        queue,
        job: job?.name ?? 'unknown',
        outcome: final ? 'failed' : 'retried',
      });
      logger.warn(
        { jobId: job?.id, attemptsMade: job?.attemptsMade, reason: err.message },
        final ? 'job failed' : 'job will retry',
      );
    });
    worker.on('error', (err) =>
      redis && !JOB_STATE_ERROR.test(err.message)
        ? redis.failed(err)
        : logger.warn(`${queue} worker: ${err.message}`),
    );
    workers.push(worker);
  }
  const inHand = () => workers.flatMap((w) => jobsInHand(w));
  return {
    close: async (withinMs = Infinity) => {
      const started = Date.now();
      let closed = false;
      void Promise.all(workers.map((w) => w.close())).then(() => (closed = true));
      // Waits for the jobs in hand; with none, only for the fetch loop, which waits for Redis.
      while (!closed) {
        const waited = Date.now() - started;
        const holding = inHand().length > 0;
        if (waited >= withinMs || (!holding && waited >= IDLE_CLOSE_MS)) break;
        await sleep(CLOSE_POLL_MS);
      }
      if (closed) return [];
      const released = inHand();
      if (released.length > 0)
        logger.warn(
          { queue, released },
          `${queue}: ${released.length} job(s) in hand not finished within the stop's grace; released`,
        );
      // A forced close does not wait for the jobs; it may still wait for Redis: bounded too.
      await Promise.race([Promise.all(workers.map((w) => w.close(true))), sleep(IDLE_CLOSE_MS)]);
      return released;
    },
  };
}

/** A worker with no job in hand is closed after this long at most (its fetch may wait for Redis). */
const IDLE_CLOSE_MS = 1_000;
const CLOSE_POLL_MS = 50;

/**
 * The ids of the jobs a worker holds locks for: BullMQ 6's lock manager tracks them, unexposed
 * (the one place this service reads a BullMQ internal; an upgrade that moves it shows here).
 */
function jobsInHand(worker: Worker): string[] {
  const locks = (worker as unknown as { lockManager?: { getTrackedJobIds?(): string[] } })
    .lockManager;
  return locks?.getTrackedJobIds?.() ?? [];
}

/** What a queue's worker provider declares: its queue, its slots, and how it handles a job. */
export interface QueueWorkerSpec {
  queue: string;
  concurrency: number;
  handle: (job: Job) => Promise<unknown>;
  /** What a job is about, on every line its work writes (ids from its data). */
  describe?: (job: Job) => WorkFields;
}

/** Of the stop's grace, what workers may take to finish their jobs (the rest is for closing). */
const WORKERS_SHARE_OF_GRACE = 0.6;

/** A provider that runs one queue's workers for as long as the process runs. */
export abstract class QueueWorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private workers?: QueueWorkers;

  constructor(
    protected readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly redis?: DependencyWatch,
  ) {}

  protected abstract workerSpec(): QueueWorkerSpec;

  onApplicationBootstrap(): void {
    const spec = this.workerSpec();
    const handle = (job: Job) =>
      runWork({ jobId: job.id, ...spec.describe?.(job) }, () => spec.handle(job));
    this.workers = startQueueWorker(spec.queue, handle, this.config, {
      concurrency: spec.concurrency,
      metrics: this.metrics,
      logger: this.logger,
      redis: this.redis,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workers?.close(this.config.shutdownGraceMs * WORKERS_SHARE_OF_GRACE);
  }
}
