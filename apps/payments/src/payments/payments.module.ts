import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { SettlementModule } from '../settlement/settlement.module';
import { ChannelsController } from '../channels/channels.controller';
import { PaymentsController } from './payments.controller';
import { PaymentTerms } from './payment-terms';
import { PaymentCancellation } from './payment-cancellation';
import { PaymentsService } from './payments.service';

/** The payments API: create, read, find, ask DOKU's status; the channels they may use. */
@Module({
  imports: [IdempotencyModule, SettlementModule],
  controllers: [PaymentsController, ChannelsController],
  providers: [PaymentsService, PaymentTerms, PaymentCancellation],
})
export class PaymentsModule {}
