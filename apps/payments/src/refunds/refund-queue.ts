import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { OutboxJobEntity } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { ENQUEUE_TIMEOUT_MS, withTimeout } from '../queues/deadline';
import { REFUND_JOB, REFUNDS_QUEUE } from '../queues/queue-names';
import { RefundJobData, refundJobId, refundJobOptions } from './refund-jobs';

/** Puts refund jobs into Redis; fails fast (and leaves the outbox row) when Redis is away. */
@Injectable()
export class RefundQueue {
  constructor(
    @InjectQueue(REFUNDS_QUEUE) readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(refundId: string, requestId?: string): Promise<void> {
    const data: RefundJobData = requestId ? { refundId, requestId } : { refundId };
    await this.add(REFUND_JOB, refundJobId(refundId), data);
  }

  /** A job the outbox owes this queue (a refund, a late payment's refund), as it was written. */
  relay(job: OutboxJobEntity): Promise<void> {
    return this.add(job.name, job.jobId, job.data);
  }

  private async add(name: string, jobId: string, data: object): Promise<void> {
    await withTimeout(
      this.queue.add(name, data, refundJobOptions(this.config, jobId)),
      ENQUEUE_TIMEOUT_MS,
      'queue',
    );
  }

  /**
   * Makes sure an open refund has a live job: none (never enqueued, or removed) → added;
   * failed, completed or in no list → retried. Waiting, delayed or active jobs are left alone.
   */
  async ensureJob(refundId: string): Promise<'added' | 'retried' | 'alive'> {
    const job = await this.queue.getJob(refundJobId(refundId));
    if (!job) {
      await this.enqueue(refundId);
      return 'added';
    }
    const state = await job.getState();
    if (state === 'failed') {
      await job.retry('failed');
      return 'retried';
    }
    // In no list: a job hash that outlived its lists (a flush while a worker held it) is dead.
    if (state === 'completed' || state === 'unknown') {
      await job.remove();
      await this.enqueue(refundId);
      return 'retried';
    }
    return 'alive';
  }
}
