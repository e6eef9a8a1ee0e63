import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { ENQUEUE_TIMEOUT_MS, withTimeout } from '../queues/deadline';
import { CONFIRM_QR_JOB, QR_CONFIRMATIONS_QUEUE } from '../queues/queue-names';
import { delayBefore } from '../config/qris-cadence';

export interface ConfirmQrJob {
  paymentId: string;
  step: number;
  /** A one-off query (a notification's hint): it queues no next step, the chain already does. */
  once?: true;
}

/** One job per query: its id names the payment and the step, so a step is queued once. */
export const confirmQrJobId = (paymentId: string, step: number) => `qr-${paymentId}-${step}`;

/**
 * Queues the queries that confirm QRIS payments. Best effort when a QR is made: a job Redis
 * never got is made up for by the sweeper, which finds open QRs nobody asked about lately.
 */
@Injectable()
export class QrConfirmations {
  private readonly logger = new Logger('QrConfirmations');

  constructor(
    @InjectQueue(QR_CONFIRMATIONS_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Queues query `step` of the payment after the cadence's wait for it. */
  async schedule(paymentId: string, step: number, delayMs?: number): Promise<void> {
    const data: ConfirmQrJob = { paymentId, step };
    await withTimeout(
      this.queue.add(CONFIRM_QR_JOB, data, {
        jobId: confirmQrJobId(paymentId, step),
        delay: delayMs ?? delayBefore(this.config.qrisQueryCadence, step),
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
      }),
      ENQUEUE_TIMEOUT_MS,
      'queue',
    );
  }

  /**
   * A hint that the QR may be paid (a notification): one query at once, under its own job id. It
   * continues nothing: the QR's chain (or the sweep) goes on, and a second chain would double the
   * queries (a step's job id is free again once that step ran).
   */
  async queryNow(paymentId: string): Promise<void> {
    const data: ConfirmQrJob = { paymentId, step: 0, once: true };
    await withTimeout(
      this.queue.add(CONFIRM_QR_JOB, data, {
        jobId: `qr-${paymentId}-hint-${Date.now()}`,
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      }),
      ENQUEUE_TIMEOUT_MS,
      'queue',
    );
  }

  /** A QR was made: its first query is queued; failing that, the sweeper will. */
  async start(paymentId: string): Promise<void> {
    try {
      await this.schedule(paymentId, 0);
    } catch (err) {
      this.logger.warn(
        { paymentId, reason: (err as Error).message },
        'QR confirmation not queued; the sweeper will',
      );
    }
  }
}
