import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';
import { NotificationsModule } from './notifications.module';

/**
 * Everything that settles a PENDING payment: DOKU's notifications (where the HTTP API runs) and
 * reconciliation by check status (its scheduler everywhere, its worker where workers run).
 */
@Module({})
export class SettlementModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SettlementModule,
      imports: [
        ...(config.role !== 'worker' ? [NotificationsModule] : []),
        ReconciliationModule.forRoot(config),
      ],
    };
  }
}
