import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobType, Queue } from 'bullmq';
import { ALL_QUEUES } from '../queues/queue-names';
import { MetricsService } from './metrics.service';

const STATES: JobType[] = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
];

/** A scrape must answer even when Redis does not: each queue gets this long. */
export const QUEUE_DEPTH_TIMEOUT_MS = 1_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads the depth of every queue, by state, when /metrics is scraped (not on a timer: nothing
 * to do between scrapes). A queue that cannot be read drops out of the gauge rather than showing
 * stale numbers, and counts a failure.
 */
@Injectable()
export class QueueDepthCollector {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: MetricsService,
  ) {}

  async collect(): Promise<void> {
    this.metrics.queueDepth.reset();
    await Promise.all(ALL_QUEUES.map((name) => this.collectOne(name)));
  }

  private async collectOne(name: string): Promise<void> {
    try {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      const counts = await within(queue.getJobCounts(...STATES), QUEUE_DEPTH_TIMEOUT_MS);
      for (const [state, count] of Object.entries(counts))
        this.metrics.queueDepth.set({ queue: name, state }, count);
    } catch {
      this.metrics.queueDepthFailures.inc({ queue: name });
    }
  }
}
