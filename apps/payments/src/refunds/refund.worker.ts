import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { REFUND_JOB, REFUND_SWEEP_JOB, REFUNDS_QUEUE } from '../queues/queue-names';
import { QueueWorkers, startQueueWorker } from '../queues/queue-worker';
import { RefundExecutor } from './refund-executor.service';
import { RefundJobData } from './refund-jobs';
import { RefundSweeper } from './refund.sweeper';

/** The refunds queue's worker (ROLE worker or all): refund jobs and the sweeper's runs. */
@Injectable()
export class RefundWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RefundWorker');
  private worker?: QueueWorkers;

  constructor(
    private readonly executor: RefundExecutor,
    private readonly sweeper: RefundSweeper,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = startQueueWorker(REFUNDS_QUEUE, (job) => this.process(job), this.config, {
      concurrency: this.config.refundConcurrency,
      metrics: this.metrics,
      logger: this.logger,
    });
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
