import { Module } from '@nestjs/common';
import { LatePayments } from './late-payments';
import { PaymentStatusService } from './payment-status.service';

/**
 * DOKU's word on a payment applied to the books: by a status check (API or reconciliation), and
 * when it reports money the books could not take as it came (the late-payment policy).
 */
@Module({
  providers: [PaymentStatusService, LatePayments],
  exports: [PaymentStatusService, LatePayments],
})
export class SettlementModule {}
