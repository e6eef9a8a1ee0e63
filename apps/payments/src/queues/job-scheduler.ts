import type { Logger } from '@nestjs/common';
import type { JobSchedulerTemplateOptions, Queue } from 'bullmq';

const RETRY_MS = 5_000;

/**
 * Upserts a BullMQ Job Scheduler (idempotent: every process of every role may do it) without
 * holding up the start: while Redis is away the call waits for the connection, and a start during
 * a Redis outage would otherwise not serve anything until Redis came back. Says so when the
 * schedule is late, and tries again after a failure. Returns a function that stops it (shutdown).
 */
export function keepJobScheduled(
  queue: Queue,
  schedulerId: string,
  everyMs: number,
  template: { name: string; data?: unknown; opts?: JobSchedulerTemplateOptions },
  logger: Logger,
  retryMs = RETRY_MS,
): () => void {
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const attempt = (): void => {
    const late = setTimeout(
      () => logger.warn(`${schedulerId} not scheduled yet: waiting for Redis`),
      retryMs,
    );
    late.unref();
    queue
      .upsertJobScheduler(schedulerId, { every: everyMs }, template)
      .then(() => logger.log(`${schedulerId} scheduled every ${everyMs} ms`))
      .catch((err: Error) => {
        logger.warn(`${schedulerId} not scheduled: ${err.message}; trying again in ${retryMs} ms`);
        if (stopped) return;
        retry = setTimeout(attempt, retryMs);
        retry.unref();
      })
      .finally(() => clearTimeout(late));
  };
  attempt();
  return () => {
    stopped = true;
    clearTimeout(retry);
  };
}
