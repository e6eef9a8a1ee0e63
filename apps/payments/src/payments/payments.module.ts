import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PaymentStatusService } from './payment-status.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

/** The payments API: create, read, find, ask DOKU's status. */
@Module({
  imports: [IdempotencyModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentStatusService],
})
export class PaymentsModule {}
