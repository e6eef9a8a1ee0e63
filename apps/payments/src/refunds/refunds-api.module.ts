import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { RefundsController } from './refunds.controller';
import { RefundsModule } from './refunds.module';
import { RefundsService } from './refunds.service';

/** The refund API: refunds accepted, recorded with their jobs, and read. */
@Module({
  imports: [RefundsModule, IdempotencyModule],
  controllers: [RefundsController],
  providers: [RefundsService],
})
export class RefundsApiModule {}
