import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { JobType, Queue } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { withTimeout } from './deadline';
import { ALL_QUEUES } from './queue-names';

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
  ) {
    metrics.beforeScrape(() => this.collect());
  }

  async collect(): Promise<void> {
    this.metrics.queueDepth.reset();
    await Promise.all(ALL_QUEUES.map((name) => this.collectOne(name)));
  }

  private async collectOne(name: string): Promise<void> {
    try {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      const counts = await withTimeout(
        queue.getJobCounts(...STATES),
        QUEUE_DEPTH_TIMEOUT_MS,
        'queue',
      );
      for (const [state, count] of Object.entries(counts))
        this.metrics.queueDepth.set({ queue: name, state }, count);
    } catch {
      this.metrics.queueDepthFailures.inc({ queue: name });
    }
  }
}
