import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ServiceCode, VA_NOTIFICATION } from '@app/doku-snap';
import { MetricsService } from '../metrics/metrics.service';
import { DokuRequest } from './doku-body';
import { NotificationAuthenticator } from './notification-authenticator';
import { parseVaPaymentNotification, VaPaymentNotification } from './notification-body';
import { NotificationReceipt, NotificationsService } from './notifications.service';
import { refusalOutcome } from './notify.controller';
import { SnapError, snapErrors } from './snap-error';
import { SnapExceptionFilter } from './snap-exception.filter';

/** Where DOKU posts virtual-account payment notifications. */
export const VA_PAYMENT_PATH = VA_NOTIFICATION.path;

const errors = snapErrors(ServiceCode.VA_PAYMENT_NOTIFY);
/** SNAP's "Invalid Bill/Virtual Account" (DOKU's SDKs: 4042512 bill not found). */
const unknownAccount = () => new SnapError(404, '4042512', 'Invalid Bill/Virtual Account');

/**
 * DOKU's VA payment notification: the same token and signatures as the debit notification, over
 * this path. Recorded once and applied; acknowledged with 2002500 and the account DOKU named, also
 * when the books cannot take it as it came (another amount, after expiry or cancel: marked for a
 * person, the money is at the bank). An account we never issued is answered 404 4042512.
 */
@ApiExcludeController()
@Controller()
@UseFilters(new SnapExceptionFilter(ServiceCode.VA_PAYMENT_NOTIFY))
export class VaPaymentController {
  constructor(
    private readonly authenticator: NotificationAuthenticator,
    private readonly notifications: NotificationsService,
    private readonly metrics: MetricsService,
  ) {}

  @Post(VA_PAYMENT_PATH)
  @HttpCode(200)
  async notify(
    @Req() req: DokuRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<unknown> {
    let notification: VaPaymentNotification;
    let receipt: NotificationReceipt;
    try {
      const authenticated = this.authenticator.authenticate(req, VA_NOTIFICATION);
      notification = parseVaPaymentNotification(authenticated.rawBody, errors);
      receipt = await this.notifications.receiveVirtualAccount(notification, authenticated);
    } catch (err) {
      this.metrics.notifications.inc({ outcome: refusalOutcome(err) });
      throw err;
    }
    this.metrics.notifications.inc({
      outcome: receipt.duplicate ? 'duplicate' : receipt.outcome.toLowerCase(),
    });
    if (receipt.outcome === 'UNKNOWN_PAYMENT') {
      const notFound = unknownAccount();
      res.status(notFound.httpStatus);
      return notFound.toBody();
    }
    return {
      responseCode: '2002500',
      responseMessage: 'Successful',
      virtualAccountData: {
        partnerServiceId: notification.partnerServiceId,
        customerNo: notification.customerNo,
        virtualAccountNo: notification.virtualAccountNo,
        ...(notification.virtualAccountName !== null
          ? { virtualAccountName: notification.virtualAccountName }
          : {}),
        ...(notification.trxId !== null ? { trxId: notification.trxId } : {}),
        ...(notification.paymentRequestId !== null
          ? { paymentRequestId: notification.paymentRequestId }
          : {}),
      },
    };
  }
}
