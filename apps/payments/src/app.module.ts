import { DynamicModule, Module } from '@nestjs/common';
import { Clock, SnapCredentials, systemClock } from '@app/doku-snap';
import type { DestinationStream } from 'pino';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG, CLOCK, SNAP_CREDENTIALS } from './config/tokens';
import { QueueDashboardModule } from './admin/queue-dashboard.module';
import { DatabaseModule } from './database/database.module';
import { DokuModule } from './doku/doku.module';
import { HealthModule } from './health/health.module';
import { HttpEdgeModule } from './http/http-edge.module';
import { ThrottlingModule } from './http/throttling.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsEndpointModule } from './metrics/metrics-endpoint.module';
import { MetricsModule } from './metrics/metrics.module';
import { PaymentsModule } from './payments/payments.module';
import { QueuesModule } from './queues/queues.module';
import { RefundsModule } from './refunds/refunds.module';
import { SettlementModule } from './notifications/settlement.module';

/** Everything the service needs to start, resolved before Nest builds the module graph. */
export interface AppRuntime {
  config: AppConfig;
  credentials: SnapCredentials;
  clock?: Clock;
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    const { config } = runtime;
    const api = config.role !== 'worker';
    return {
      module: AppModule,
      imports: [
        {
          module: class RuntimeModule {},
          global: true,
          providers: [
            { provide: APP_CONFIG, useValue: config },
            { provide: SNAP_CREDENTIALS, useValue: runtime.credentials },
            { provide: CLOCK, useValue: runtime.clock ?? systemClock },
          ],
          exports: [APP_CONFIG, SNAP_CREDENTIALS, CLOCK],
        },
        LoggingModule.forRoot(config, runtime.logDestination),
        MetricsModule,
        // Before any feature module: its middleware must see every request first.
        HttpEdgeModule,
        ThrottlingModule,
        DatabaseModule,
        QueuesModule,
        DokuModule,
        // Every ROLE serves these, the worker included.
        HealthModule,
        MetricsEndpointModule,
        ...(api ? [PaymentsModule] : []),
        RefundsModule.forRole(config.role),
        SettlementModule.forRoot(config),
        ...(api ? [QueueDashboardModule.forRoot()] : []),
      ],
    };
  }
}
