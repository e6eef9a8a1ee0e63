import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  createDataSource,
  EventsRepository,
  ExternalIdRegistry,
  IdempotencyRepository,
  NotificationsRepository,
  OutboxRepository,
  PaymentsRepository,
  poolOf,
  RefundsRepository,
  WalletBindingsRepository,
  runMigrations,
} from '@app/persistence';
import { DatabaseWatch } from '../common/dependency-watch';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, DATA_SOURCE } from '../config/tokens';
import { BooksCollector } from './books.collector';
import { ensureDatabase } from './ensure-database';

/** One PostgreSQL pool for the process, migrated at start unless MIGRATIONS_RUN=false. */
@Global()
@Module({
  providers: [
    DatabaseWatch,
    BooksCollector,
    {
      provide: DATA_SOURCE,
      inject: [APP_CONFIG, DatabaseWatch],
      useFactory: async (config: AppConfig, watch: DatabaseWatch) => {
        if (config.migrationsRun) await ensureDatabase(config.databaseUrl);
        const dataSource = createDataSource({
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
        });
        await dataSource.initialize();
        // An idle pooled connection the server drops: said once per outage, never thrown.
        poolOf(dataSource).on('error', (err) => watch.failed(err));
        if (config.migrationsRun) {
          const applied = await runMigrations(dataSource);
          if (applied.length > 0)
            new Logger('Database').log(`applied migrations: ${applied.join(', ')}`);
        }
        return dataSource;
      },
    },
    {
      provide: ExternalIdRegistry,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new ExternalIdRegistry(ds),
    },
    {
      provide: PaymentsRepository,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new PaymentsRepository(ds),
    },
    {
      provide: IdempotencyRepository,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new IdempotencyRepository(ds),
    },
    {
      provide: RefundsRepository,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new RefundsRepository(ds),
    },
    {
      provide: OutboxRepository,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new OutboxRepository(ds),
    },
    {
      provide: EventsRepository,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new EventsRepository(ds),
    },
    {
      provide: WalletBindingsRepository,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new WalletBindingsRepository(ds),
    },
    {
      provide: NotificationsRepository,
      inject: [DATA_SOURCE],
      useFactory: (ds: DataSource) => new NotificationsRepository(ds),
    },
  ],
  exports: [
    DatabaseWatch,
    DATA_SOURCE,
    ExternalIdRegistry,
    PaymentsRepository,
    IdempotencyRepository,
    RefundsRepository,
    OutboxRepository,
    NotificationsRepository,
    EventsRepository,
    WalletBindingsRepository,
  ],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
