import { Inject, Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { RefundsRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { MetricsService } from '../metrics/metrics.service';
import {
  LATE_PAYMENT_REFUND_JOB,
  REFUND_JOB,
  REFUND_SWEEP_JOB,
  REFUNDS_QUEUE,
} from '../queues/queue-names';
import { LatePaymentRefund } from './late-payment-refund';
import { QueueWorkerHost, QueueWorkerSpec } from '../queues/queue-worker';
import { RefundExecutor, RefundRetryableError } from './refund-executor.service';
import { RefundJobData } from './refund-jobs';
import { RefundSweeper } from './refund.sweeper';

/** The refunds queue's worker (ROLE worker or all): refund jobs and the sweeper's runs. */
@Injectable()
export class RefundWorker extends QueueWorkerHost {
  constructor(
    private readonly executor: RefundExecutor,
    private readonly sweeper: RefundSweeper,
    private readonly latePayments: LatePaymentRefund,
    private readonly refunds: RefundsRepository,
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
      describe: (job) => {
        const data = job.data as Partial<RefundJobData> & { paymentId?: string };
        return { refundId: data.refundId, paymentId: data.paymentId, requestId: data.requestId };
      },
    };
  }

  private async process(job: Job): Promise<unknown> {
    if (job.name === REFUND_SWEEP_JOB) return this.sweeper.sweepOnce();
    if (job.name === LATE_PAYMENT_REFUND_JOB)
      return this.latePayments.run((job.data as { paymentId: string }).paymentId);
    if (job.name !== REFUND_JOB) throw new UnrecoverableError(`no handler for job ${job.name}`);
    const { refundId } = job.data as RefundJobData;
    try {
      return await this.executor.execute(refundId);
    } catch (err) {
      // Its calls ran out and it is still open: the sweeper will try again, and a person should
      // know (the mark goes when it settles).
      if (err instanceof RefundRetryableError && job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
        await this.refunds.markAttention(refundId, 'attempts_exhausted').catch(() => undefined);
      throw err;
    }
  }
}
