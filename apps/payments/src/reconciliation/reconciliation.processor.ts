import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { RECONCILE_PAYMENTS_JOB, RECONCILIATION_QUEUE } from '../queues/queue-names';
import { ReconciliationRun, ReconciliationService } from './reconciliation.service';

/**
 * Runs reconciliation when the scheduler says so (ROLE worker or all). One run at a time per
 * process; runs in several processes are safe, since each claims its own payments.
 */
@Processor(RECONCILIATION_QUEUE, { concurrency: 1 })
export class ReconciliationProcessor extends WorkerHost {
  private readonly logger = new Logger('ReconciliationProcessor');

  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async process(job: Job): Promise<ReconciliationRun | undefined> {
    if (job.name !== RECONCILE_PAYMENTS_JOB) {
      this.logger.warn(`no handler for job ${job.name} on ${RECONCILIATION_QUEUE}`);
      return undefined;
    }
    return this.reconciliation.runOnce();
  }

  @OnWorkerEvent('completed')
  onCompleted(): void {
    this.metrics.jobOutcomes.inc({ queue: RECONCILIATION_QUEUE, outcome: 'completed' });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    this.metrics.jobOutcomes.inc({ queue: RECONCILIATION_QUEUE, outcome: 'failed' });
    // The next scheduled run tries again; nothing is lost by one failed run.
    this.logger.warn({ jobId: job?.id, reason: err.message }, 'reconciliation run failed');
  }

  /** Without a listener, a worker's 'error' event (Redis away) would crash the process. */
  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.logger.warn(`reconciliation worker: ${err.message}`);
  }
}
