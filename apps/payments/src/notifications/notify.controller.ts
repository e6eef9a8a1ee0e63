import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ServiceCode } from '@app/doku-snap';
import { MetricsService } from '../metrics/metrics.service';
import { DokuRequest } from './doku-body';
import { NOTIFY_PATH, NotificationAuthenticator } from './notification-authenticator';
import { parsePaymentNotification } from './notification-body';
import { NotificationReceipt, NotificationsService } from './notifications.service';
import { SnapError, SnapErrorBody, snapErrors } from './snap-error';
import { SnapExceptionFilter } from './snap-exception.filter';

const errors = snapErrors(ServiceCode.DEBIT_NOTIFY);
const ACKNOWLEDGED: SnapErrorBody = { responseCode: '2005600', responseMessage: 'Successful' };

/**
 * DOKU's payment notification (POST, a bearer token we issued, X-SIGNATURE). Authenticated, recorded and applied, then
 * acknowledged with 2005600 so DOKU stops retrying; a repeat is acknowledged the same way. A
 * notification for an unknown order is recorded and answered 404 4045601 (SNAP's not found).
 */
@ApiExcludeController()
@Controller()
@UseFilters(new SnapExceptionFilter(ServiceCode.DEBIT_NOTIFY))
export class NotifyController {
  constructor(
    private readonly authenticator: NotificationAuthenticator,
    private readonly notifications: NotificationsService,
    private readonly metrics: MetricsService,
  ) {}

  @Post(NOTIFY_PATH)
  @HttpCode(200)
  async notify(
    @Req() req: DokuRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<SnapErrorBody> {
    let receipt: NotificationReceipt;
    try {
      const authenticated = this.authenticator.authenticate(req);
      const notification = parsePaymentNotification(authenticated.rawBody, errors);
      receipt = await this.notifications.receive(notification, authenticated);
    } catch (err) {
      this.count(refusalOutcome(err));
      throw err;
    }
    this.count(receipt.duplicate ? 'duplicate' : receipt.outcome.toLowerCase());
    if (receipt.outcome === 'UNKNOWN_PAYMENT') {
      const notFound = errors.transactionNotFound();
      res.status(notFound.httpStatus);
      return notFound.toBody();
    }
    return ACKNOWLEDGED;
  }

  private count(outcome: string): void {
    this.metrics.notifications.inc({ outcome });
  }
}

/** How a refused notification is counted in `doku_notifications_total`. */
export function refusalOutcome(err: unknown): string {
  if (!(err instanceof SnapError)) return 'error';
  if (err.httpStatus === 401) return 'unauthorized';
  return err.httpStatus < 500 ? 'malformed' : 'error';
}
