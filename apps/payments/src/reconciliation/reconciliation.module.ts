import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { PaymentStatusService } from '../payments/payment-status.service';
import {
  DEFAULT_RECONCILIATION_OPTIONS,
  RECONCILIATION_OPTIONS,
  ReconciliationOptions,
} from './reconciliation.options';
import { ReconciliationProcessor } from './reconciliation.processor';
import { ReconciliationScheduler } from './reconciliation.scheduler';
import { ReconciliationService } from './reconciliation.service';

/**
 * Reconciliation of payments left PENDING. The scheduler runs in every role; the processor only
 * where workers run (ROLE worker or all).
 */
@Module({})
export class ReconciliationModule {
  static forRoot(config: AppConfig, options: Partial<ReconciliationOptions> = {}): DynamicModule {
    return {
      module: ReconciliationModule,
      providers: [
        {
          provide: RECONCILIATION_OPTIONS,
          useValue: { ...DEFAULT_RECONCILIATION_OPTIONS, ...options },
        },
        // Its own instance (stateless): PaymentsModule, which also holds the internal API's
        // controllers, is not loaded in the worker role.
        PaymentStatusService,
        ReconciliationService,
        ReconciliationScheduler,
        ...(config.role !== 'api' ? [ReconciliationProcessor] : []),
      ],
      exports: [ReconciliationService],
    };
  }
}
