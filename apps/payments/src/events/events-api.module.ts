import { Module } from '@nestjs/common';
import { WebhookEndpointsController } from '../webhooks/webhook-endpoints.controller';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { EventsController } from './events.controller';
import { EventsModule } from './events.module';
import { EventsService } from './events.service';

/** The events API (catch-up, one event, redelivery) and the webhook endpoints' state. */
@Module({
  imports: [EventsModule, WebhooksModule],
  controllers: [EventsController, WebhookEndpointsController],
  providers: [EventsService],
})
export class EventsApiModule {}
