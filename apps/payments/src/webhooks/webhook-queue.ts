import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import type { OwedDelivery } from '@app/persistence';
import { ENQUEUE_TIMEOUT_MS, withTimeout } from '../queues/deadline';
import { DELIVER_JOB, WEBHOOKS_QUEUE } from '../queues/queue-names';

/** Ids only: the worker reads the body, the endpoint and whether it is still due. */
export interface DeliverJobData {
  deliveryId: string;
  /** The attempt this job makes, from 0: a job that is no longer the delivery's does nothing. */
  attempt: number;
  endpointId: string;
}

/** One job per attempt, its id the delivery's and the attempt's: adding it twice is a no-op. */
export const deliverJobId = (deliveryId: string, attempt: number) => `${deliveryId}.${attempt}`;

/**
 * Completed attempts are kept a while (Bull Board shows what each answered); a job never fails
 * for its endpoint's sake (the delivery row says what is next), only when PostgreSQL could not
 * record it, and then BullMQ tries it again.
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

const LIVE = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/** Puts delivery attempts into Redis; fails fast when Redis is away (the sweeper re-adds them). */
@Injectable()
export class WebhookQueue {
  constructor(@InjectQueue(WEBHOOKS_QUEUE) readonly queue: Queue) {}

  async add(deliveries: readonly OwedDelivery[], delayMs = 0): Promise<void> {
    if (deliveries.length === 0) return;
    await withTimeout(
      this.queue.addBulk(
        deliveries.map((d) => ({
          name: DELIVER_JOB,
          data: {
            deliveryId: d.id,
            attempt: d.attempts,
            endpointId: d.endpointId,
          } satisfies DeliverJobData,
          opts: { ...JOB_OPTIONS, jobId: deliverJobId(d.id, d.attempts), delay: delayMs },
        })),
      ),
      ENQUEUE_TIMEOUT_MS,
      'queue',
    );
  }

  /**
   * Makes sure a pending delivery's current attempt has a live job: none (never added, or Redis
   * lost it) → added; completed, failed or in no list (an attempt that found it not due then, a
   * redelivery of an ended round, a job hash that outlived its lists in a flush) → replaced.
   * Waiting, delayed or active jobs are left alone.
   */
  async ensureJob(delivery: OwedDelivery): Promise<'added' | 'alive'> {
    const job = await this.queue.getJob(deliverJobId(delivery.id, delivery.attempts));
    if (job) {
      if (LIVE.has(await job.getState())) return 'alive';
      await job.remove();
    }
    await this.add([delivery]);
    return 'added';
  }
}
