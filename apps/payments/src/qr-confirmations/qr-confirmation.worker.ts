import { Inject, Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { PaymentsRepository } from '@app/persistence';
import { Channels } from '../channels/channels';
import { RedisWatch } from '../common/dependency-watch';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { QueueWorkerHost, QueueWorkerSpec } from '../queues/queue-worker';
import { CONFIRM_QR_JOB, QR_CONFIRMATIONS_QUEUE, QR_SWEEP_JOB } from '../queues/queue-names';
import { expiryDeadline } from '../reconciliation/expiry';
import { DEFAULT_RECONCILIATION_OPTIONS } from '../reconciliation/reconciliation.options';
import { PaymentStatusService } from '../settlement/payment-status.service';
import { delayBefore, nextQuery, stepAt } from '../config/qris-cadence';
import { ConfirmQrJob, QrConfirmations } from './qr-confirmations';

/** A chain silent this many of its intervals is taken for lost (a restart, Redis lost it). */
const SILENT_INTERVALS = 3;
const SWEEP_BATCH = 500;

/**
 * Confirms QRIS payments by querying DOKU on the cadence (QRIS_QUERY_INTERVALS_MS): each job asks
 * once, applies the answer like any status check, and queues the next step while the QR is open
 * and not past its deadline (reconciliation expires it then). The sweep restarts chains that went
 * silent, at the step their age gives, so a restart or a lost job never leaves a QR unasked.
 */
@Injectable()
export class QrConfirmationWorker extends QueueWorkerHost {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly statuses: PaymentStatusService,
    private readonly confirmations: QrConfirmations,
    private readonly channels: Channels,
    metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
    redis: RedisWatch,
  ) {
    super(metrics, appConfig, redis);
  }

  protected workerSpec(): QueueWorkerSpec {
    return {
      queue: QR_CONFIRMATIONS_QUEUE,
      concurrency: this.appConfig.qrisQueryConcurrency,
      handle: (job) =>
        job.name === QR_SWEEP_JOB ? this.sweep() : this.confirm(job.data as ConfirmQrJob),
      describe: (job) =>
        job.name === CONFIRM_QR_JOB ? { paymentId: (job as Job<ConfirmQrJob>).data.paymentId } : {},
    };
  }

  async confirm({ paymentId, step, once }: ConfirmQrJob): Promise<string> {
    const payment = await this.payments.findById(paymentId);
    if (!payment || payment.status !== 'PENDING') return 'settled';
    const queries = this.metrics.qrConfirmations.queries;
    const trigger = once ? 'notification' : 'cadence';
    const outcome = await this.statuses.check(payment, 'status_check').catch((err: unknown) => {
      queries.inc({ trigger, result: 'error' });
      throw err;
    });
    const settled = outcome.payment.status !== 'PENDING';
    queries.inc({ trigger, result: settled ? 'settled' : 'open' });
    if (settled) return 'settled';
    const deadline = expiryDeadline(payment, DEFAULT_RECONCILIATION_OPTIONS.maxAgeMs);
    if (Date.now() > deadline.atMs) return 'past its deadline: left to reconciliation';
    if (once) return 'open: its chain goes on';
    const next = nextQuery(
      this.appConfig.qrisQueryCadence,
      Date.now() - payment.createdAt.getTime(),
      step,
    );
    await this.confirmations.schedule(paymentId, next.step, next.delayMs);
    return 'open';
  }

  async sweep(): Promise<number> {
    const cadence = this.appConfig.qrisQueryCadence;
    const nowMs = Date.now();
    const channels = this.channels
      .all()
      .filter((a) => a.confirmsByQuery)
      .map((a) => a.spec.channel);
    // Quiet for three of its own intervals at the step its age gives: no live chain asks it.
    const candidates = await this.payments.quietOpenPayments(
      channels,
      SILENT_INTERVALS * Math.min(...cadence.steps),
      SWEEP_BATCH,
    );
    let restarted = 0;
    for (const p of candidates) {
      const step = stepAt(cadence, nowMs - p.createdAt.getTime());
      if (nowMs - p.quietSince.getTime() < SILENT_INTERVALS * delayBefore(cadence, step)) continue;
      await this.confirmations.schedule(p.id, step, 0);
      restarted++;
    }
    this.metrics.qrConfirmations.restarts.inc(restarted);
    if (restarted > 0) this.logger.warn({ restarted }, 'QR confirmations restarted by the sweep');
    return restarted;
  }
}
