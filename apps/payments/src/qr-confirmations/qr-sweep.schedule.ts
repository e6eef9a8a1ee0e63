import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisWatch } from '../common/dependency-watch';
import { KeptJobSchedule, PeriodicJob } from '../queues/job-scheduler';
import { QR_CONFIRMATIONS_QUEUE, QR_SWEEP_JOB } from '../queues/queue-names';

/** How often open QRs whose confirmation went silent are looked for. */
export const QR_SWEEP_EVERY_MS = 15_000;

/** Keeps the QR sweep's Job Scheduler in Redis, from every process of every role. */
@Injectable()
export class QrSweepSchedule extends KeptJobSchedule {
  constructor(
    @InjectQueue(QR_CONFIRMATIONS_QUEUE) private readonly queue: Queue,
    redis: RedisWatch,
  ) {
    super(redis);
  }

  protected periodicJob(): PeriodicJob {
    return { queue: this.queue, name: QR_SWEEP_JOB, everyMs: QR_SWEEP_EVERY_MS };
  }
}
