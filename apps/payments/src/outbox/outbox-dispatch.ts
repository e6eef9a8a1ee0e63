import { Injectable } from '@nestjs/common';
import type { OutboxJobEntity } from '@app/persistence';

/** Puts one outbox job into its queue; throws when the queue cannot take it now. */
export type OutboxDispatcher = (job: OutboxJobEntity) => Promise<void>;

/**
 * Who puts an outbox job into its queue, by queue: each feature that writes outbox rows registers
 * its queue's dispatcher at start.
 */
@Injectable()
export class OutboxDispatch {
  private readonly byQueue = new Map<string, OutboxDispatcher>();

  register(queue: string, dispatcher: OutboxDispatcher): void {
    if (this.byQueue.has(queue)) throw new Error(`outbox dispatcher for ${queue} registered twice`);
    this.byQueue.set(queue, dispatcher);
  }

  dispatch(job: OutboxJobEntity): Promise<void> {
    const dispatcher = this.byQueue.get(job.queue);
    if (!dispatcher) throw new Error(`no outbox dispatcher for queue ${job.queue}`);
    return dispatcher(job);
  }
}
