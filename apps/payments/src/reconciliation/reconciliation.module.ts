import { DynamicModule, Module } from '@nestjs/common';
import { SettlementModule } from '../settlement/settlement.module';
import {
  DEFAULT_RECONCILIATION_OPTIONS,
  RECONCILIATION_OPTIONS,
  ReconciliationOptions,
} from './reconciliation.options';
import { ReconciliationSchedule } from './reconciliation.schedule';
import { ReconciliationService } from './reconciliation.service';
import { ReconciliationWorker } from './reconciliation.worker';

const options = (given: Partial<ReconciliationOptions>) => ({
  provide: RECONCILIATION_OPTIONS,
  useValue: { ...DEFAULT_RECONCILIATION_OPTIONS, ...given },
});

/** Keeps the reconciliation schedule in Redis (every role does: a changed interval replaces it). */
@Module({})
export class ReconciliationModule {
  static forRoot(given: Partial<ReconciliationOptions> = {}): DynamicModule {
    return { module: ReconciliationModule, providers: [options(given), ReconciliationSchedule] };
  }
}

/** Reconciliation of payments left PENDING: the worker that runs the scheduled runs. */
@Module({})
export class ReconciliationWorkersModule {
  static forRoot(given: Partial<ReconciliationOptions> = {}): DynamicModule {
    return {
      module: ReconciliationWorkersModule,
      imports: [SettlementModule],
      providers: [options(given), ReconciliationService, ReconciliationWorker],
      exports: [ReconciliationService],
    };
  }
}
