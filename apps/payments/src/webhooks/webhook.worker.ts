import { Inject, Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { MetricsService } from '../metrics/metrics.service';
import { DELIVER_JOB, WEBHOOK_SWEEP_JOB, WEBHOOKS_QUEUE } from '../queues/queue-names';
import { QueueWorkerHost, QueueWorkerSpec } from '../queues/queue-worker';
import { WebhookDelivery } from './webhook-delivery';
import { DeliverJobData } from './webhook-queue';
import { WebhookSweeper } from './webhook.sweeper';

/** The webhook queue's worker (ROLE worker or all): delivery attempts and the sweeper's runs. */
@Injectable()
export class WebhookWorker extends QueueWorkerHost {
  constructor(
    private readonly delivery: WebhookDelivery,
    private readonly sweeper: WebhookSweeper,
    metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
    redis: RedisWatch,
  ) {
    super(metrics, appConfig, redis);
  }

  protected workerSpec(): QueueWorkerSpec {
    return {
      queue: WEBHOOKS_QUEUE,
      concurrency: this.appConfig.webhooks.concurrency,
      handle: (job) => this.process(job),
      describe: (job) => {
        const data = job.data as Partial<DeliverJobData>;
        return { deliveryId: data.deliveryId, endpointId: data.endpointId };
      },
    };
  }

  private process(job: Job): Promise<unknown> {
    if (job.name === WEBHOOK_SWEEP_JOB) return this.sweeper.sweepOnce();
    if (job.name !== DELIVER_JOB) throw new UnrecoverableError(`no handler for job ${job.name}`);
    return this.delivery.attempt(job.data as DeliverJobData);
  }
}
