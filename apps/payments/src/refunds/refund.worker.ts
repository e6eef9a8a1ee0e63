import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { REFUND_JOB, REFUND_SWEEP_JOB, REFUNDS_QUEUE } from '../queues/queue-names';
import { redisOptionsFromUrl } from '../queues/redis-connection';
import { RefundExecutor } from './refund-executor.service';
import { RefundJobData } from './refund-jobs';
import { RefundSweeper } from './refund.sweeper';

/**
 * The refunds queue's worker (ROLE=worker or all). Built by hand rather than with @Processor so
 * concurrency and lock duration come from configuration; closed on shutdown, which waits for the
 * jobs in hand to finish.
 */
@Injectable()
export class RefundWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RefundWorker');
  private worker?: Worker;

  constructor(
    private readonly executor: RefundExecutor,
    private readonly sweeper: RefundSweeper,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(REFUNDS_QUEUE, (job) => this.process(job), {
      connection: redisOptionsFromUrl(this.config.redisUrl),
      prefix: this.config.bullmqPrefix,
      concurrency: this.config.refundConcurrency,
      lockDuration: this.config.workerLockMs,
      stalledInterval: Math.max(1_000, Math.floor(this.config.workerLockMs / 2)),
      maxStalledCount: 5,
    });
    this.worker.on('completed', () =>
      this.metrics.jobOutcomes.inc({ queue: REFUNDS_QUEUE, outcome: 'completed' }),
    );
    this.worker.on('failed', (job, err) => {
      const final =
        err instanceof UnrecoverableError || (job && job.attemptsMade >= (job.opts.attempts ?? 1));
      this.metrics.jobOutcomes.inc({ queue: REFUNDS_QUEUE, outcome: final ? 'failed' : 'retried' });
      this.logger.warn(
        { jobId: job?.id, attemptsMade: job?.attemptsMade, reason: err.message },
        final ? 'refund job failed' : 'refund job will retry',
      );
    });
    this.worker.on('error', (err) => this.logger.warn(`refund worker: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async process(job: Job): Promise<unknown> {
    if (job.name === REFUND_SWEEP_JOB) return this.sweeper.sweepOnce();
    if (job.name !== REFUND_JOB) throw new UnrecoverableError(`no handler for job ${job.name}`);
    return this.executor.execute((job.data as RefundJobData).refundId);
  }
}
