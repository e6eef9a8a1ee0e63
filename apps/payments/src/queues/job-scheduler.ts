import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { DependencyWatch } from '../common/dependency-watch';

const RETRY_MS = 5_000;
const RECHECK_MS = 60_000;

/**
 * Upserts a BullMQ Job Scheduler (idempotent: every process of every role may do it) without
 * holding up the start: while Redis is away the call waits for the connection, and a start during
 * a Redis outage would otherwise not serve anything until Redis came back. Says so when the
 * schedule is late, and tries again after a failure. Then checks every `recheckMs` that the
 * schedule is still there, and puts it back if Redis lost it (a restart without persistence, a
 * failover, a flush): without the refund sweeper, refunds whose jobs went with it would stay open
 * for ever. Returns a function that stops it (shutdown).
 */
export function keepJobScheduled(
  queue: Queue,
  schedulerId: string,
  everyMs: number,
  logger: Logger,
  retryMs = RETRY_MS,
  recheckMs = RECHECK_MS,
  redis?: DependencyWatch,
): () => void {
  let stopped = false;
  // Said once; while Redis stays away the watch says it, not every retry.
  let waitingSaid = false;
  let timer: NodeJS.Timeout | undefined;
  const later = (run: () => void, ms: number): void => {
    if (stopped) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const recheck = (): void => {
    queue
      .getJobScheduler(schedulerId)
      .then((scheduler) => {
        if (stopped) return;
        if (scheduler) return later(recheck, recheckMs);
        logger.warn(`${schedulerId} schedule missing from Redis; scheduling it again`);
        waitingSaid = true;
        attempt();
      })
      // Redis away: the next check will tell.
      .catch((err: Error) => {
        redis?.failed(err);
        later(recheck, recheckMs);
      });
  };
  const attempt = (): void => {
    const late = setTimeout(() => {
      if (waitingSaid) return;
      waitingSaid = true;
      logger.warn(`${schedulerId} not scheduled yet: waiting for Redis`);
    }, retryMs);
    late.unref();
    queue
      .upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        // A run every few seconds is not kept: its outcome is logged and counted. Never a count
        // here: BullMQ trims the whole queue's completed or failed jobs to it, and the refunds
        // queue keeps its refund jobs for operators (a sweep kept only the last 100).
        { name: schedulerId, data: {}, opts: { removeOnComplete: true, removeOnFail: true } },
      )
      .then(() => {
        // Said when it ends a wait or a repair; on a plain start it is a detail (debug), so that
        // the last start-up line is the one a person starting the service looks for.
        const said = `${schedulerId} scheduled every ${everyMs} ms`;
        if (waitingSaid) logger.log(said);
        else logger.debug(said);
        waitingSaid = false;
        later(recheck, recheckMs);
      })
      .catch((err: Error) => {
        if (!waitingSaid || !redis)
          logger.warn(
            `${schedulerId} not scheduled: ${err.message}; trying again every ${retryMs} ms`,
          );
        waitingSaid = true;
        redis?.failed(err);
        later(attempt, retryMs);
      })
      .finally(() => clearTimeout(late));
  };
  attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** What a periodic job needs: its queue, its name (scheduler id and job name) and interval. */
export interface PeriodicJob {
  queue: Queue;
  name: string;
  everyMs: number;
}

/** A provider that keeps one periodic job scheduled for as long as the process runs. */
export abstract class KeptJobSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopSchedule?: () => void;

  constructor(private readonly redis?: DependencyWatch) {}

  protected abstract periodicJob(): PeriodicJob;

  onApplicationBootstrap(): void {
    const job = this.periodicJob();
    this.stopSchedule = keepJobScheduled(
      job.queue,
      job.name,
      job.everyMs,
      new Logger(job.name),
      RETRY_MS,
      RECHECK_MS,
      this.redis,
    );
  }

  onApplicationShutdown(): void {
    this.stopSchedule?.();
  }
}
