import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { PaymentStatusService } from '../payments/payment-status.service';
import { PaymentsModule } from '../payments/payments.module';
import { OutboxRelay } from './outbox.relay';
import { RefundExecutor } from './refund-executor.service';
import { RefundQueue } from './refund-queue';
import { RefundWorker } from './refund.worker';
import { RefundSweeper } from './refund.sweeper';
import { RefundsController } from './refunds.controller';
import { RefundsService } from './refunds.service';

/** The refund API (ROLE api/all) and the refund workers and sweeper (ROLE worker/all). */
@Module({})
export class RefundsModule {
  static forRole(role: AppConfig['role']): DynamicModule {
    const api = role !== 'worker';
    const worker = role !== 'api';
    return {
      module: RefundsModule,
      imports: api ? [PaymentsModule] : [],
      controllers: api ? [RefundsController] : [],
      providers: [
        RefundQueue,
        OutboxRelay,
        ...(api ? [RefundsService] : []),
        ...(worker ? [PaymentStatusService, RefundExecutor, RefundSweeper, RefundWorker] : []),
      ],
      exports: [RefundQueue, OutboxRelay, ...(worker ? [RefundSweeper, RefundExecutor] : [])],
    };
  }
}
