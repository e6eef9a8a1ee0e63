import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Clock, DokuSnapClient, SnapCredentials } from '@app/doku-snap';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK, SNAP_CREDENTIALS } from '../config/tokens';
import { DokuCallMetrics } from './doku-call.metrics';
import { DokuCallObserver } from './doku-call.observer';
import { DokuGateway } from './doku-gateway';
import { ExternalIdService } from './external-id.service';
import { PaymentStatusInquiry } from './payment-status.inquiry';

const CUT_CALLS_AFTER_MS = 1_000;

/**
 * The core every role loads: the SNAP client (one token cache, one connection pool), the gateway
 * every DOKU call goes through, X-EXTERNAL-ID reservations, and the log line and metrics of each
 * call.
 */
@Global()
@Module({
  providers: [
    DokuCallObserver,
    DokuCallMetrics,
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
    DokuGateway,
    PaymentStatusInquiry,
  ],
  exports: [DokuSnapClient, ExternalIdService, DokuCallObserver, DokuGateway, PaymentStatusInquiry],
})
export class DokuModule implements OnApplicationShutdown {
  constructor(
    private readonly client: DokuSnapClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    new Logger('Doku').log(`DOKU base URL ${config.doku.baseUrl}, client ${client.clientId}`);
  }

  /**
   * Runs once HTTP has drained and the workers have finished or released their jobs: a call still
   * in flight belongs to a released job, and is cut after a moment (its refund is resent, the
   * same bytes, by whoever takes the job).
   */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close(CUT_CALLS_AFTER_MS);
  }
}
