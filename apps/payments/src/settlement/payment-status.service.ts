import { Injectable, Logger } from '@nestjs/common';
import { parseSnapTimestamp, SnapPaymentState } from '@app/doku-snap';
import {
  PaymentEntity,
  PaymentsRepository,
  PaymentStatus,
  StatusChangeSource,
} from '@app/persistence';
import { Channels } from '../channels/channels';
import {
  PaymentStatusInquiry,
  reportsNotFound,
  StatusAnswer,
  statusBody,
} from '../doku/payment-status.inquiry';
import { MetricsService } from '../metrics/metrics.service';
import { LatePayments } from './late-payments';

export interface StatusCheckOutcome {
  payment: PaymentEntity;
  /** What DOKU answered, as the gateway tells it. */
  answer: StatusAnswer;
  changed: boolean;
  /** DOKU says the transaction does not exist (404xx01). */
  notFound: boolean;
  /** What DOKU's status answer reported, when it gave one. */
  reported?: { latestTransactionStatus?: string; state?: SnapPaymentState };
}

/** Asks DOKU's check status about a payment and applies the answer. */
@Injectable()
export class PaymentStatusService {
  private readonly logger = new Logger('PaymentStatus');

  constructor(
    private readonly inquiry: PaymentStatusInquiry,
    private readonly payments: PaymentsRepository,
    private readonly channels: Channels,
    private readonly metrics: MetricsService,
    private readonly late: LatePayments,
  ) {}

  async check(payment: PaymentEntity, source: StatusChangeSource): Promise<StatusCheckOutcome> {
    const answer = await this.inquiry.ask(payment);
    const unchanged = { payment, answer, changed: false, notFound: false };
    // Nothing was sent without a token: the payment was not checked.
    if (answer.kind === 'unavailable' && answer.token) return unchanged;
    const body = statusBody(answer);
    await this.payments.markStatusChecked(
      payment.id,
      answer.result
        ? {
            responseCode: answer.result.responseCode ?? null,
            transactionStatus: body?.latestTransactionStatus ?? null,
          }
        : undefined,
    );
    if (!body) return { ...unchanged, notFound: reportsNotFound(answer) };

    const state = this.channels
      .get(payment.channel)
      .spec.paymentState(body.latestTransactionStatus);
    const reported = { latestTransactionStatus: body.latestTransactionStatus, state };
    const target = state as PaymentStatus | undefined;
    if (!target) return { ...unchanged, reported };
    const paidValue = body.transAmount?.value;
    const paid = (amount: { value: string; currency: string }) => ({
      source,
      amount,
      latestTransactionStatus: body.latestTransactionStatus!,
      referenceNo: body.originalReferenceNo ?? null,
      paidAt: body.paidTime ? dateOrNull(body.paidTime) : null,
    });
    if (target === 'PAID' && paidValue !== undefined && paidValue !== payment.amountValue) {
      this.logger.warn(
        { paymentId: payment.id, expected: payment.amountValue, reported: paidValue },
        'status check reports another amount; not marking paid',
      );
      this.metrics.paymentDiscrepancies.inc({ source, kind: 'amount_mismatch' });
      await this.late.reportedPaid(payment, paid(body.transAmount!));
      return { ...unchanged, reported };
    }
    const failed = target === 'FAILED' || target === 'CANCELLED';
    const applied = await this.payments.changeStatus(payment.id, {
      to: target,
      source,
      detail: {
        latestTransactionStatus: body.latestTransactionStatus,
        responseCode: answer.kind === 'done' ? answer.result.responseCode : undefined,
      },
      referenceNo: body.originalReferenceNo ?? null,
      paidAt: target === 'PAID' && body.paidTime ? dateOrNull(body.paidTime) : null,
      failureCode: failed ? (body.latestTransactionStatus ?? null) : undefined,
      failureMessage: failed ? (body.transactionStatusDesc ?? null) : undefined,
    });
    if (applied.conflict) {
      this.logger.warn(
        { paymentId: payment.id, current: applied.from, reported: target },
        'status check contradicts a final status',
      );
      this.metrics.paymentDiscrepancies.inc({ source, kind: 'final_status_conflict' });
      // Money DOKU took on a payment the books closed must not be stuck.
      if (target === 'PAID')
        await this.late.reportedPaid(
          applied.payment,
          paid(body.transAmount ?? { value: payment.amountValue, currency: payment.currency }),
        );
    }
    return {
      payment: applied.payment,
      answer,
      changed: applied.changed,
      notFound: false,
      reported,
    };
  }
}

function dateOrNull(text: string): Date | null {
  const ms = parseSnapTimestamp(text);
  return ms === null ? null : new Date(ms);
}
