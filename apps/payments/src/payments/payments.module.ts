import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { SettlementModule } from '../settlement/settlement.module';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

/** The payments API: create, read, find, ask DOKU's status. */
@Module({
  imports: [IdempotencyModule, SettlementModule],
  controllers: [PaymentsController],
  providers: [PaymentsService],
})
export class PaymentsModule {}
