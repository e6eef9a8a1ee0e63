import { Module } from '@nestjs/common';
import { OutboxDispatch } from '../outbox/outbox-dispatch';
import { REFUNDS_QUEUE } from '../queues/queue-names';
import { RefundQueue } from './refund-queue';

/** What every role needs of refunds: their queue, and the outbox relay's way into it. */
@Module({ providers: [RefundQueue], exports: [RefundQueue] })
export class RefundsModule {
  constructor(queue: RefundQueue, outbox: OutboxDispatch) {
    outbox.register(REFUNDS_QUEUE, (job) => queue.enqueue(String(job.data.refundId)));
  }
}
