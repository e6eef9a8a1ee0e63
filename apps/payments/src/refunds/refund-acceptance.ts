import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AcceptedRefund, RefundablePayment, RefundsRepository } from '@app/persistence';
import { compareMoney } from '../common/money';
import { leftToRefund } from './refundable';

/** What the accept writes for one refund (its ids are drawn here). */
export interface RefundToAccept {
  paymentId: string;
  amountValue: string;
  currency: string;
  reason?: string | null;
  partnerRefundNo: string;
  /** The caller's own keys and values. */
  metadata?: Record<string, string>;
  /** The request that asked for it, carried into its job: every line of its work names it. */
  requestId?: string;
}

/** Where the refund's job goes once accepted: its outbox row names it. */
export interface OutboxTarget {
  queue: string;
  name: string;
  /** Deterministic job id from the refund id (BullMQ deduplicates on it). */
  jobId: (refundId: string) => string;
}

/** Why a refund was not accepted. */
export class RefundRefusedError extends Error {
  constructor(
    readonly reason:
      | 'PAYMENT_NOT_FOUND'
      | 'PAYMENT_NOT_PAID'
      | 'CURRENCY_MISMATCH'
      | 'EXCEEDS_REFUNDABLE'
      | 'REFUND_NOT_SUPPORTED',
    readonly refundable?: string,
  ) {
    super(reason);
    this.name = 'RefundRefusedError';
  }
}

const MAX_ACCEPT_ROUNDS = 3;

/**
 * Accepts refunds: only for a PAID payment, and only while the refunds not FAILED plus this one
 * stay within the paid amount, however many requests race (the repository's accept is one
 * conditional statement). A refusal is explained from the payment as it is; a payment that would
 * take it now (a refund FAILED in between and gave its amount back) is asked again.
 */
@Injectable()
export class RefundAcceptance {
  constructor(private readonly refunds: RefundsRepository) {}

  async accept(input: RefundToAccept, outbox: OutboxTarget): Promise<AcceptedRefund> {
    for (let round = 0; round < MAX_ACCEPT_ROUNDS; round++) {
      const id = randomUUID();
      const accepted = await this.refunds.accept(
        {
          id,
          paymentId: input.paymentId,
          partnerRefundNo: input.partnerRefundNo,
          amountValue: input.amountValue,
          currency: input.currency,
          reason: input.reason ?? null,
          metadata: input.metadata,
          queue: outbox.queue,
          jobName: outbox.name,
          jobId: outbox.jobId(id),
          jobData: input.requestId
            ? { refundId: id, requestId: input.requestId }
            : { refundId: id },
        },
        randomUUID(),
      );
      if (accepted) return accepted;
      const refusal = refusalOf(input, await this.refunds.refundablePayment(input.paymentId));
      if (refusal) throw refusal;
    }
    throw new Error(`refund of payment ${input.paymentId}: accept kept racing`);
  }
}

/** Why the payment does not take the refund; undefined if it would take it now. */
export function refusalOf(
  input: Pick<RefundToAccept, 'currency' | 'amountValue'>,
  payment: RefundablePayment | undefined,
): RefundRefusedError | undefined {
  if (!payment) return new RefundRefusedError('PAYMENT_NOT_FOUND');
  const refundable = leftToRefund(payment);
  if (refundable === undefined) return new RefundRefusedError('PAYMENT_NOT_PAID');
  if (payment.currency !== input.currency) return new RefundRefusedError('CURRENCY_MISMATCH');
  if (compareMoney(input.amountValue, refundable) > 0)
    return new RefundRefusedError('EXCEEDS_REFUNDABLE', refundable);
  return undefined;
}
