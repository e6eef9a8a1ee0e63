import { Queue, QueueOptions } from 'bullmq';

/**
 * BullMQ's Queue as this service creates it: listening for 'error' from its first moment. A Queue
 * with no listener prints each failed reconnection to stderr as a multi-line dump; until the
 * Redis watch takes over (QueueConnections, at module init), its errors are dropped here (the
 * readiness client and the workers tell the watch of the same outage).
 */
export class ObservedQueue extends Queue {
  constructor(name: string, opts?: QueueOptions) {
    super(name, opts);
    this.on('error', () => undefined);
  }
}
