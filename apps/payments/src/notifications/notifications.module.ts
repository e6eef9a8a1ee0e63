import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ServiceCode } from '@app/doku-snap';
import { MetricsService } from '../metrics/metrics.service';
import { SettlementModule } from '../settlement/settlement.module';
import { AccessTokenController, TOKEN_PATH } from './access-token.controller';
import { markDokuRoutes } from './doku-body';
import { NOTIFY_PATH, NotificationAuthenticator } from './notification-authenticator';
import { NotificationTokenService } from './notification-token.service';
import { NotificationsService } from './notifications.service';
import { NotifyController } from './notify.controller';
import { SnapError, snapErrors } from './snap-error';
import { VA_PAYMENT_PATH, VaPaymentController } from './va-payment.controller';
import { QRIS_NOTIFY_PATH, QrisNotifyController } from './qris-notify.controller';

/**
 * The endpoints DOKU calls: its token request and its payment notifications (debit, VA). Not behind the internal API key: DOKU authenticates with its own signatures.
 */
@Module({
  imports: [SettlementModule],
  controllers: [AccessTokenController, NotifyController, VaPaymentController, QrisNotifyController],
  providers: [NotificationTokenService, NotificationAuthenticator, NotificationsService],
  exports: [NotificationTokenService],
})
export class NotificationsModule {
  constructor(adapterHost: HttpAdapterHost, metrics: MetricsService) {
    // Registered while Nest builds the module graph, before Nest adds its routes, which is when
    // Fastify's onRoute hook sees them. Without an HTTP adapter (a bare testing module) there are
    // no routes to mark.
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const send = (error: SnapError, reply: FastifyReply) =>
      void reply.status(error.httpStatus).send(error.toBody());
    const answers = (service: string, onUnreadable?: () => void) => ({
      unreadableBody: (reply: FastifyReply) => {
        onUnreadable?.();
        send(snapErrors(service).badRequest(), reply);
      },
      // SNAP has no 503: its general error, which DOKU retries (with the Retry-After of closing).
      whileClosing: (reply: FastifyReply) => send(snapErrors(service).generalError(), reply),
    });
    markDokuRoutes(fastify, {
      [TOKEN_PATH]: answers(ServiceCode.B2B_TOKEN),
      [NOTIFY_PATH]: answers(ServiceCode.DEBIT_NOTIFY, () =>
        metrics.notifications.inc({ outcome: 'malformed' }),
      ),
      [VA_PAYMENT_PATH]: answers(ServiceCode.VA_PAYMENT_NOTIFY, () =>
        metrics.notifications.inc({ outcome: 'malformed' }),
      ),
      [QRIS_NOTIFY_PATH]: answers(ServiceCode.QRIS_NOTIFY, () =>
        metrics.notifications.inc({ outcome: 'malformed' }),
      ),
    });
  }
}
