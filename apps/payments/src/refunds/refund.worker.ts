import { Inject, Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { MetricsService } from '../metrics/metrics.service';
import { REFUND_JOB, REFUND_SWEEP_JOB, REFUNDS_QUEUE } from '../queues/queue-names';
import { QueueWorkerHost, QueueWorkerSpec } from '../queues/queue-worker';
import { RefundExecutor } from './refund-executor.service';
import { RefundJobData } from './refund-jobs';
import { RefundSweeper } from './refund.sweeper';

/** The refunds queue's worker (ROLE worker or all): refund jobs and the sweeper's runs. */
@Injectable()
export class RefundWorker extends QueueWorkerHost {
  constructor(
    private readonly executor: RefundExecutor,
    private readonly sweeper: RefundSweeper,
    metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
    redis: RedisWatch,
  ) {
    super(metrics, appConfig, redis);
  }

  protected workerSpec(): QueueWorkerSpec {
    return {
      queue: REFUNDS_QUEUE,
      concurrency: this.appConfig.refundConcurrency,
      handle: (job) => this.process(job),
    };
  }

  private async process(job: Job): Promise<unknown> {
    if (job.name === REFUND_SWEEP_JOB) return this.sweeper.sweepOnce();
    if (job.name !== REFUND_JOB) throw new UnrecoverableError(`no handler for job ${job.name}`);
    return this.executor.execute((job.data as RefundJobData).refundId);
  }
}
