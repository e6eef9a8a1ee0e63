import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Clock, DokuSnapClient, SnapCredentials } from '@app/doku-snap';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK, SNAP_CREDENTIALS } from '../config/tokens';
import { ExternalIdService } from './external-id.service';
import { DokuCallObserver } from './doku-call.observer';

/** The SNAP client the service talks to DOKU with: one token cache, one connection pool. */
@Global()
@Module({
  providers: [
    DokuCallObserver,
    {
      provide: DokuSnapClient,
      inject: [APP_CONFIG, SNAP_CREDENTIALS, CLOCK, DokuCallObserver],
      useFactory: (
        config: AppConfig,
        credentials: SnapCredentials,
        clock: Clock,
        observer: DokuCallObserver,
      ) =>
        new DokuSnapClient({
          baseUrl: config.doku.baseUrl!,
          credentials,
          clock,
          timeoutMs: config.doku.timeoutMs,
          onCall: (event) => observer.observe(event),
        }),
    },
    ExternalIdService,
  ],
  exports: [DokuSnapClient, ExternalIdService, DokuCallObserver],
})
export class DokuModule implements OnApplicationShutdown {
  constructor(
    private readonly client: DokuSnapClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    new Logger('Doku').log(`DOKU base URL ${config.doku.baseUrl}, client ${client.clientId}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
