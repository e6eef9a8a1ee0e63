import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { EventBodies } from './event-body';
import { EventRelay } from './event-relay';

/** Every role: event bodies, and the relay that turns committed events into deliveries. */
@Module({
  imports: [WebhooksModule],
  providers: [EventBodies, EventRelay],
  exports: [EventBodies, EventRelay],
})
export class EventsModule {}
