import { Global, Module } from '@nestjs/common';
import { OutboxDispatch } from './outbox-dispatch';
import { OutboxRelay } from './outbox.relay';

/**
 * Jobs owed by committed rows reach their queues: at once from the request that wrote them, or
 * later from the relay (every role runs it), which dispatches by queue.
 */
@Global()
@Module({ providers: [OutboxDispatch, OutboxRelay], exports: [OutboxDispatch, OutboxRelay] })
export class OutboxModule {}
