import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  OutboxRepository,
  PaymentEntity,
  PaymentsRepository,
  PaymentStatus,
  StatusChangeSource,
} from '@app/persistence';
import { ApiError, notFound } from '../common/api-error';
import { sameMoney } from '../common/money';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, DATA_SOURCE } from '../config/tokens';
import { Channels } from '../channels/channels';
import { MetricsService } from '../metrics/metrics.service';
import { LATE_PAYMENT_REFUND_JOB, REFUNDS_QUEUE } from '../queues/queue-names';

/** What DOKU reported paid. */
export interface PaidReport {
  /** Who told us: a notification, a status check, reconciliation. */
  source: StatusChangeSource;
  amount: { value: string; currency: string };
  latestTransactionStatus: string;
  referenceNo?: string | null;
  paidAt?: Date | null;
}

export type LateAction = 'refund' | 'accept';

/** Why a person must look at a payment DOKU reports paid. */
const REASON_BY_STATUS: Partial<Record<PaymentStatus, string>> = {
  EXPIRED: 'paid_after_expiry',
  FAILED: 'paid_after_failure',
  CANCELLED: 'paid_after_cancel',
};

/** The refund job of a payment's late money: one per payment, whoever asks for it. */
export const lateRefundJobId = (paymentId: string) => `late-refund-${paymentId}`;

/**
 * Money DOKU holds must never be stuck. When DOKU reports paid on a payment the books closed
 * (expired, failed, cancelled), or reports another amount than the payment's, the payment is
 * marked for a person's attention with what was reported, and LATE_PAYMENT_POLICY is applied:
 * `refund` returns the money through the refund pipeline (a payment still PENDING with another
 * amount is FAILED first: the order was not paid as asked), `accept` makes the payment PAID. Another
 * amount is never accepted by policy: a person decides. The mark stays until a person resolves
 * it (`resolve`), whatever the policy did.
 */
@Injectable()
export class LatePayments {
  private readonly logger = new Logger('LatePayments');

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly payments: PaymentsRepository,
    private readonly outbox: OutboxRepository,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly channels: Channels,
  ) {}

  /** The channel can return money (virtual accounts cannot: a person returns it). */
  private refundable(payment: Pick<PaymentEntity, 'channel'>): boolean {
    return this.channels.get(payment.channel).spec.refund !== undefined;
  }

  /**
   * DOKU reports `payment` paid and the books cannot take it as it came. In the caller's
   * transaction when given (a notification is recorded in the same one), else in one of its own.
   */
  async reportedPaid(
    payment: PaymentEntity,
    report: PaidReport,
    manager?: EntityManager,
  ): Promise<{ reason: string; action: LateAction | 'none' }> {
    if (!manager) return this.dataSource.transaction((m) => this.reportedPaid(payment, report, m));
    const status = await this.lockedStatus(manager, payment.id);
    const books = { value: payment.amountValue, currency: payment.currency };
    const mismatch = !sameMoney(report.amount, books);
    const reason = mismatch ? 'amount_mismatch' : REASON_BY_STATUS[status];
    if (!reason) return { reason: 'none', action: 'none' };
    const sameCurrency = report.amount.currency === payment.currency;
    const action: LateAction | 'none' =
      // Already PAID with the books' amount, or a currency no refund can return: a person decides.
      status === 'PAID' ||
      !sameCurrency ||
      (mismatch && this.config.latePaymentPolicy === 'accept') ||
      (this.config.latePaymentPolicy === 'refund' && !this.refundable(payment))
        ? 'none'
        : this.config.latePaymentPolicy;
    await this.payments.markAttention(
      payment.id,
      reason,
      {
        reported: {
          amount: report.amount,
          latestTransactionStatus: report.latestTransactionStatus,
          source: report.source,
          statusThen: status,
        },
        policy: this.config.latePaymentPolicy,
        action,
      },
      sameCurrency ? report.amount.value : null,
      manager,
    );
    if (action !== 'none')
      await this.settle(manager, payment.id, action, reason, {
        source: report.source,
        detail: { reason, policy: this.config.latePaymentPolicy },
        paidAt: report.paidAt,
        referenceNo: report.referenceNo,
      });
    this.metrics.paymentsMarkedForAttention.inc({ reason });
    this.logger.warn(
      { paymentId: payment.id, reason, status, reported: report.amount, action },
      `DOKU reports paid on a payment the books could not take as it came (${reason}): ${
        action === 'none' ? 'left for a person' : `policy ${action}`
      }; marked for attention`,
    );
    return { reason, action };
  }

  /**
   * A person resolves what the payment was marked for: `accept` (the payment is PAID) or `refund`
   * (the money DOKU took goes back). Recorded with who (the caller's key fingerprint) and why.
   */
  async resolve(
    paymentId: string,
    action: LateAction,
    by: string,
    why: string,
  ): Promise<PaymentEntity> {
    return this.dataSource.transaction(async (m) => {
      const payment = await m.findOne(PaymentEntity, {
        where: { id: paymentId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!payment) throw notFound('payment');
      if (!payment.attentionReason)
        throw new ApiError(
          409,
          'NOT_UNDER_ATTENTION',
          'The payment is not marked for attention; there is nothing to resolve.',
        );
      if (action === 'refund' && !this.refundable(payment))
        throw new ApiError(
          422,
          'REFUND_NOT_SUPPORTED',
          "The payment's channel has no refund at DOKU; accept it, or return the money another way.",
        );
      if (action === 'accept' && payment.refundCommittedAmount !== '0.00')
        throw new ApiError(
          409,
          'REFUND_UNDER_WAY',
          'Money of this payment is being refunded or was refunded; it cannot be accepted. Resolve it with refund.',
        );
      await this.settle(m, paymentId, action, payment.attentionReason, {
        source: 'operator',
        detail: { reason: payment.attentionReason, by, why },
      });
      const resolved = await this.payments.resolveAttention(
        paymentId,
        { action, by, why, at: new Date().toISOString() },
        m,
      );
      return resolved!;
    });
  }

  /** What `action` does to the payment, in the transaction of the decision. */
  private async settle(
    manager: EntityManager,
    paymentId: string,
    action: LateAction,
    reason: string,
    origin: {
      source: StatusChangeSource;
      detail: Record<string, unknown>;
      paidAt?: Date | null;
      referenceNo?: string | null;
    },
  ): Promise<void> {
    if (action === 'accept') {
      // PENDING (another amount, accepted by a person) moves as any payment does; a closed one
      // is reopened as PAID. Either statement does nothing to a payment already PAID.
      const moved = await this.payments.changeStatusIn(manager, paymentId, {
        to: 'PAID',
        source: origin.source,
        detail: origin.detail,
        paidAt: origin.paidAt,
        referenceNo: origin.referenceNo,
      });
      if (!moved.changed) await this.payments.reopenAsPaid(paymentId, origin, manager);
      return;
    }
    // The order was not paid as asked: a payment still PENDING ends FAILED before its refund.
    await this.payments.changeStatusIn(manager, paymentId, {
      to: 'FAILED',
      source: origin.source,
      detail: origin.detail,
      failureCode: reason.toUpperCase(),
      failureMessage: 'DOKU reports a payment the books could not take; the money is refunded.',
    });
    await this.outbox.addIn(manager, {
      queue: REFUNDS_QUEUE,
      name: LATE_PAYMENT_REFUND_JOB,
      jobId: lateRefundJobId(paymentId),
      data: { paymentId },
    });
  }

  private async lockedStatus(manager: EntityManager, paymentId: string): Promise<PaymentStatus> {
    const [row] = (await manager.query(`SELECT status FROM payments WHERE id = $1 FOR UPDATE`, [
      paymentId,
    ])) as { status: PaymentStatus }[];
    if (!row) throw new Error(`payment ${paymentId} vanished`);
    return row.status;
  }
}
