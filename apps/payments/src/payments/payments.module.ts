import { Module } from '@nestjs/common';
import { IdempotencyService } from '../common/idempotency.service';
import { PaymentStatusService } from './payment-status.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentStatusService, IdempotencyService],
  exports: [PaymentStatusService, IdempotencyService],
})
export class PaymentsModule {}
