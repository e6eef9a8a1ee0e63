import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PaymentsRepository } from '@app/persistence';
import { QRIS, ServiceCode } from '@app/doku-snap';
import { MetricsService } from '../metrics/metrics.service';
import { QrConfirmations } from '../qr-confirmations/qr-confirmations';
import { DokuRequest } from './doku-body';
import { NotificationAuthenticator } from './notification-authenticator';
import { parsePaymentNotification } from './notification-body';
import { refusalOutcome } from './notify.controller';
import { SnapErrorBody, snapErrors } from './snap-error';
import { SnapExceptionFilter } from './snap-exception.filter';

/** Where a QRIS notification would come (third-party code's path; DOKU documents none). */
export const QRIS_NOTIFY_PATH = QRIS.notification.path;

const errors = snapErrors(ServiceCode.QRIS_NOTIFY);
const ACKNOWLEDGED: SnapErrorBody = { responseCode: '2005200', responseMessage: 'Successful' };

/**
 * A QRIS notification, should DOKU send one: authenticated like every notification, then taken
 * as a hint only. Its payment is queried at once (DOKU's answer decides, as for any QR); the
 * notification itself changes nothing.
 */
@ApiExcludeController()
@Controller()
@UseFilters(new SnapExceptionFilter(ServiceCode.QRIS_NOTIFY))
export class QrisNotifyController {
  constructor(
    private readonly authenticator: NotificationAuthenticator,
    private readonly payments: PaymentsRepository,
    private readonly confirmations: QrConfirmations,
    private readonly metrics: MetricsService,
  ) {}

  @Post(QRIS_NOTIFY_PATH)
  @HttpCode(200)
  async notify(@Req() req: DokuRequest): Promise<SnapErrorBody> {
    try {
      const authenticated = this.authenticator.authenticate(req, QRIS.notification);
      const hint = parsePaymentNotification(authenticated.rawBody, errors);
      const payment = await this.payments.findByPartnerReferenceNo(hint.originalPartnerReferenceNo);
      if (payment?.channel === QRIS.channel && payment.status === 'PENDING')
        await this.confirmations.queryNow(payment.id);
    } catch (err) {
      this.metrics.notifications.inc({ outcome: refusalOutcome(err) });
      throw err;
    }
    this.metrics.notifications.inc({ outcome: 'qris_hint' });
    return ACKNOWLEDGED;
  }
}
