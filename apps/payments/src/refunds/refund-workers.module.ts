import { Module } from '@nestjs/common';
import { LatePaymentRefund } from './late-payment-refund';
import { RefundClaims } from './refund-claims';
import { RefundExecutor } from './refund-executor.service';
import { RefundSweepSchedule } from './refund-sweep.schedule';
import { RefundWorker } from './refund.worker';
import { RefundSweeper } from './refund.sweeper';
import { RefundsModule } from './refunds.module';

/** The refunds queue's worker: refunds taken to DOKU, and the sweeper that revives stale ones. */
@Module({
  imports: [RefundsModule],
  providers: [
    RefundClaims,
    RefundExecutor,
    RefundSweeper,
    RefundSweepSchedule,
    RefundWorker,
    LatePaymentRefund,
  ],
  exports: [RefundExecutor, RefundSweeper],
})
export class RefundWorkersModule {}
