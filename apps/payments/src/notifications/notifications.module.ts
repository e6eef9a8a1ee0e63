import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Response } from 'express';
import { ServiceCode } from '@app/doku-snap';
import { MetricsService } from '../metrics/metrics.service';
import { AccessTokenController, TOKEN_PATH } from './access-token.controller';
import { captureDokuBody } from './doku-body';
import { NOTIFY_PATH, NotificationAuthenticator } from './notification-authenticator';
import { NotificationTokenService } from './notification-token.service';
import { NotificationsService } from './notifications.service';
import { NotifyController } from './notify.controller';
import { snapErrors } from './snap-error';

/**
 * The endpoints DOKU calls (service contract §3): its token request and its payment
 * notification. Not behind the internal API key: DOKU authenticates with its own signatures.
 */
@Module({
  controllers: [AccessTokenController, NotifyController],
  providers: [NotificationTokenService, NotificationAuthenticator, NotificationsService],
  exports: [NotificationTokenService],
})
export class NotificationsModule {
  constructor(adapterHost: HttpAdapterHost, metrics: MetricsService) {
    // Registered while Nest builds the module graph, which is before createApp installs the
    // app-wide JSON parser: DOKU's bodies are read here first, as bytes, so even a body that is
    // not JSON gets a SNAP answer. Without an HTTP adapter (a bare testing module) the JSON
    // parser's own copy of the raw bytes is used instead.
    const http = adapterHost.httpAdapter;
    if (!http) return;
    const refuse = (service: string, onRefused?: () => void) => (res: Response) => {
      onRefused?.();
      const error = snapErrors(service).badRequest();
      res.status(error.httpStatus).json(error.toBody());
    };
    http.use(TOKEN_PATH, captureDokuBody(refuse(ServiceCode.B2B_TOKEN)));
    http.use(
      NOTIFY_PATH,
      captureDokuBody(
        refuse(ServiceCode.DEBIT_NOTIFY, () => metrics.notifications.inc({ outcome: 'malformed' })),
      ),
    );
  }
}
