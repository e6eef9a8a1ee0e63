import { Module } from '@nestjs/common';
import { PaymentStatusService } from './payment-status.service';

/** DOKU's word on a payment applied to the books: by a status check (API or reconciliation). */
@Module({ providers: [PaymentStatusService], exports: [PaymentStatusService] })
export class SettlementModule {}
