import { DynamicModule, Module } from '@nestjs/common';
import { Clock, SnapCredentials, systemClock } from '@app/doku-snap';
import type { DestinationStream } from 'pino';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG, CLOCK, SNAP_CREDENTIALS } from './config/tokens';
import { ChannelsModule } from './channels/channels.module';
import { DatabaseModule } from './database/database.module';
import { DokuModule } from './doku/doku.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { HttpEdgeModule } from './http/http-edge.module';
import { ThrottlingModule } from './http/throttling.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsEndpointModule } from './metrics/metrics-endpoint.module';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxModule } from './outbox/outbox.module';
import { QueuesModule } from './queues/queues.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { QrConfirmationsModule } from './qr-confirmations/qr-confirmations.module';
import { RefundsModule } from './refunds/refunds.module';
import { roleModules } from './roles';
import { WalletBindingsModule } from './wallet-bindings/wallet-bindings.module';

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
        ChannelsModule,
        DokuModule,
        WalletBindingsModule,
        OutboxModule,
        EventsModule,
        // Every ROLE runs these, the worker included.
        HealthModule,
        MetricsEndpointModule,
        RefundsModule,
        ReconciliationModule.forRoot(),
        QrConfirmationsModule,
        ...roleModules(config.role),
      ],
    };
  }
}
