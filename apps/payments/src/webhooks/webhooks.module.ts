import { Module } from '@nestjs/common';
import { WebhookBacklogCollector } from './webhook-backlog.collector';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookQueue } from './webhook-queue';

/** Every role: the configured endpoints, their state, the delivery queue, the backlog gauges. */
@Module({
  providers: [WebhookEndpoints, WebhookQueue, WebhookBacklogCollector],
  exports: [WebhookEndpoints, WebhookQueue],
})
export class WebhooksModule {}
