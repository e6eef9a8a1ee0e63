import { Module } from '@nestjs/common';
import { WebhookDelivery } from './webhook-delivery';
import { WebhookSender } from './webhook-sender';
import { WebhookSweepSchedule } from './webhook-sweep.schedule';
import { WebhookSweeper } from './webhook.sweeper';
import { WebhookWorker } from './webhook.worker';
import { WebhooksModule } from './webhooks.module';

/** The webhook queue's worker: attempts sent, recorded and rescheduled, and the sweeper. */
@Module({
  imports: [WebhooksModule],
  providers: [WebhookSender, WebhookDelivery, WebhookSweeper, WebhookSweepSchedule, WebhookWorker],
})
export class WebhookWorkersModule {}
