import { Module } from '@nestjs/common';
import { OutboxDispatch } from '../outbox/outbox-dispatch';
import { REFUNDS_QUEUE } from '../queues/queue-names';
import { RefundAcceptance } from './refund-acceptance';
import { RefundIntake } from './refund-intake';
import { RefundQueue } from './refund-queue';

/**
 * What every role needs of refunds: their queue, the outbox relay's way into it, and the intake
 * (the API and the late-payment policy both put refunds in).
 */
@Module({
  providers: [RefundQueue, RefundAcceptance, RefundIntake],
  exports: [RefundQueue, RefundIntake],
})
export class RefundsModule {
  constructor(queue: RefundQueue, outbox: OutboxDispatch) {
    outbox.register(REFUNDS_QUEUE, (job) => queue.relay(job));
  }
}
