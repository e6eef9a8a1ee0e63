import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SignatureForm } from '@app/doku-snap';
import {
  NotificationOutcome,
  NotificationsRepository,
  PaymentEntity,
  PaymentsRepository,
} from '@app/persistence';
import { DATA_SOURCE } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { Channels } from '../channels/channels';
import { LatePayments } from '../settlement/late-payments';
import { sameMoney } from '../common/money';
import { PaymentNotification, VaPaymentNotification } from './notification-body';

export interface NotificationContext {
  rawBody: Buffer;
  signatureForm: SignatureForm;
  externalId: string | null;
}

export interface NotificationReceipt {
  notificationId: string;
  outcome: NotificationOutcome;
  /** The same fact was already recorded: only its repeat count moved. */
  duplicate: boolean;
}

/**
 * Records each fact DOKU tells us once and applies it to the payment through the state machine,
 * both in one transaction: a crash between the two can neither lose the fact nor apply it twice.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly notifications: NotificationsRepository,
    private readonly payments: PaymentsRepository,
    private readonly metrics: MetricsService,
    private readonly channels: Channels,
    private readonly late: LatePayments,
  ) {}

  /** A VA payment notification, as the debit family's fact about the account's payment. */
  async receiveVirtualAccount(
    notification: VaPaymentNotification,
    context: NotificationContext,
  ): Promise<NotificationReceipt> {
    const byAccount = await this.payments.findByVirtualAccountNo(notification.virtualAccountNo);
    // Another invoice than the account's is not a fact about this payment.
    const payment =
      byAccount &&
      (notification.trxId ?? byAccount.partnerReferenceNo) === byAccount.partnerReferenceNo
        ? byAccount
        : null;
    const reference = notification.paymentRequestId;
    return this.receive(
      {
        originalPartnerReferenceNo:
          payment?.partnerReferenceNo ?? notification.trxId ?? notification.virtualAccountNo,
        // Longer ids than the column takes stay in the raw body.
        originalReferenceNo: reference !== null && reference.length <= 64 ? reference : null,
        originalExternalId: null,
        // DOKU notifies a VA once it is paid.
        latestTransactionStatus: '00',
        transactionStatusDesc: null,
        amount: notification.paidAmount,
      },
      context,
      payment,
    );
  }

  /** `found`: the payment, when the caller looked it up another way (VA: by its account). */
  async receive(
    notification: PaymentNotification,
    context: NotificationContext,
    found?: PaymentEntity | null,
  ): Promise<NotificationReceipt> {
    // Amount, currency and id never change after creation: read outside the transaction.
    const payment =
      found !== undefined
        ? found
        : await this.payments.findByPartnerReferenceNo(notification.originalPartnerReferenceNo);
    const precheck = this.precheck(notification, payment);
    const receipt = await this.dataSource.transaction(async (manager) => {
      const recorded = await this.notifications.recordIn(
        manager,
        {
          externalId: context.externalId,
          originalPartnerReferenceNo: notification.originalPartnerReferenceNo,
          originalReferenceNo: notification.originalReferenceNo,
          latestTransactionStatus: notification.latestTransactionStatus,
          amountValue: notification.amount.value,
          currency: notification.amount.currency,
          paymentId: payment?.id ?? null,
          signatureForm: context.signatureForm,
          rawBody: context.rawBody.toString('utf8'),
        },
        precheck,
      );
      if (!recorded.firstTime) {
        return { notificationId: recorded.id, outcome: recorded.outcome, duplicate: true };
      }
      let outcome = precheck;
      if (precheck === 'APPLIED' && payment) {
        outcome = await this.apply(manager, payment, notification, recorded.id, context);
        if (outcome !== precheck) await this.notifications.settleIn(manager, recorded.id, outcome);
      }
      // Paid, but not as the books can take it (after they closed it, or another amount): money
      // DOKU holds, marked for a person and handled by the late-payment policy, in this same
      // transaction as the fact.
      if (
        payment &&
        (outcome === 'CONFLICT' || outcome === 'AMOUNT_MISMATCH') &&
        this.stateOf(payment, notification) === 'PAID'
      )
        await this.late.reportedPaid(
          payment,
          {
            source: 'notification',
            amount: notification.amount,
            latestTransactionStatus: notification.latestTransactionStatus,
            referenceNo: notification.originalReferenceNo,
            // No payment time in a notification: the database's clock, as for every change.
            paidAt: null,
          },
          manager,
        );
      return { notificationId: recorded.id, outcome, duplicate: false };
    });
    this.log(notification, payment, receipt, context);
    return receipt;
  }

  /** What can be decided without the payment's current status ('APPLIED' means: go and apply it). */
  private precheck(
    notification: PaymentNotification,
    payment: PaymentEntity | null,
  ): NotificationOutcome {
    if (!payment) return 'UNKNOWN_PAYMENT';
    // A fact about another amount is not a fact about this payment: never mark it paid on it.
    if (
      !sameMoney(notification.amount, { value: payment.amountValue, currency: payment.currency })
    ) {
      return 'AMOUNT_MISMATCH';
    }
    return this.stateOf(payment, notification) ? 'APPLIED' : 'IGNORED';
  }

  private async apply(
    manager: EntityManager,
    payment: PaymentEntity,
    notification: PaymentNotification,
    notificationId: string,
    context: NotificationContext,
  ): Promise<NotificationOutcome> {
    const target = this.stateOf(payment, notification)!;
    const failed = target === 'FAILED' || target === 'CANCELLED';
    const result = await this.payments.changeStatusIn(manager, payment.id, {
      to: target,
      source: 'notification',
      detail: {
        notificationId,
        externalId: context.externalId,
        signatureForm: context.signatureForm,
        latestTransactionStatus: notification.latestTransactionStatus,
      },
      referenceNo: notification.originalReferenceNo,
      // The notification carries no payment time: the moment DOKU told us is the closest we know,
      // on the database's clock, the one updatedAt is stamped with (paidAt never after it).
      paidAt: null,
      ...(failed
        ? {
            failureCode: notification.latestTransactionStatus,
            failureMessage: notification.transactionStatusDesc,
          }
        : {}),
    });
    if (result.changed) return 'APPLIED';
    return result.conflict ? 'CONFLICT' : 'ALREADY_FINAL';
  }

  /** The final state the notification reports, in the words of the payment's channel. */
  private stateOf(payment: PaymentEntity, notification: PaymentNotification) {
    return this.channels
      .get(payment.channel)
      .spec.paymentState(notification.latestTransactionStatus);
  }

  private log(
    notification: PaymentNotification,
    payment: PaymentEntity | null,
    receipt: NotificationReceipt,
    context: NotificationContext,
  ): void {
    const line = {
      notificationId: receipt.notificationId,
      paymentId: payment?.id ?? null,
      partnerReferenceNo: notification.originalPartnerReferenceNo,
      latestTransactionStatus: notification.latestTransactionStatus,
      outcome: receipt.outcome,
      duplicate: receipt.duplicate,
      signatureForm: context.signatureForm,
      externalId: context.externalId,
    };
    if (receipt.duplicate) {
      this.logger.log(line, 'notification repeated');
    } else if (receipt.outcome === 'CONFLICT') {
      this.logger.warn(line, 'notification contradicts the final status of the payment');
      this.metrics.paymentDiscrepancies.inc({
        source: 'notification',
        kind: 'final_status_conflict',
      });
    } else if (receipt.outcome === 'AMOUNT_MISMATCH') {
      this.metrics.paymentDiscrepancies.inc({ source: 'notification', kind: 'amount_mismatch' });
      this.logger.warn(
        {
          ...line,
          expected: payment?.amountValue,
          expectedCurrency: payment?.currency,
          reported: notification.amount.value,
          reportedCurrency: notification.amount.currency,
        },
        'notification amount differs from the payment; not applied',
      );
    } else if (receipt.outcome === 'UNKNOWN_PAYMENT') {
      this.logger.warn(line, 'notification for an unknown payment');
    } else {
      this.logger.log(line, 'notification recorded');
    }
  }
}
