import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DuplicateKeyError, RefundsRepository } from '@app/persistence';
import { ApiError, notFound } from '../common/api-error';
import { createdWindow, Page, page } from '../common/list';
import type { HttpResult } from '../idempotency/idempotency.service';
import { CreateRefundDto } from './dto/create-refund.dto';
import { FindRefundsQuery } from './dto/find-refunds.query';
import { RefundRefusedError } from './refund-acceptance';
import { RefundIntake } from './refund-intake';
import { leftToRefund } from './refundable';
import { RefundView, toRefundView } from './refund.view';

/** The refund API: refunds requested (through the intake) and read. */
@Injectable()
export class RefundsService {
  constructor(
    private readonly refunds: RefundsRepository,
    private readonly intake: RefundIntake,
  ) {}

  /**
   * Accepts the refund and queues it. `idempotency`: the caller and Idempotency-Key it came with,
   * if any.
   */
  async request(
    paymentId: string,
    dto: CreateRefundDto,
    idempotency?: IdempotentCall,
    requestId?: string,
  ): Promise<HttpResult> {
    const derived = dto.partnerRefundNo === undefined && idempotency !== undefined;
    const partnerRefundNo =
      dto.partnerRefundNo ??
      (idempotency ? partnerRefundNoOf(idempotency) : `RFD-${randomUUID().replace(/-/g, '')}`);
    let accepted;
    try {
      const amount = dto.amount ?? (await this.allThatIsLeft(paymentId));
      accepted = await this.intake.take({
        paymentId,
        amountValue: amount.value,
        currency: amount.currency,
        reason: dto.reason ?? null,
        partnerRefundNo,
        metadata: dto.metadata,
        requestId,
      });
    } catch (err) {
      if (derived && (err instanceof DuplicateKeyError || err instanceof RefundRefusedError)) {
        // This call's key may have accepted it before, its answer lost (the key's completion
        // failed, or the accept's commit was in doubt): the refund that exists is the answer. A
        // full refund retried is refused as exceeding what is left, not as a duplicate.
        const earlier = await this.refunds.findByPartnerRefundNo(partnerRefundNo);
        if (earlier?.paymentId === paymentId) return { status: 202, body: toRefundView(earlier) };
      }
      throw refusal(err);
    }
    return { status: 202, body: toRefundView(accepted.refund) };
  }

  /** A refund without an amount returns all that is left (refused as the accept would). */
  private async allThatIsLeft(paymentId: string): Promise<{ value: string; currency: string }> {
    const payment = await this.refunds.refundablePayment(paymentId);
    if (!payment) throw new RefundRefusedError('PAYMENT_NOT_FOUND');
    const left = leftToRefund(payment);
    if (left === undefined) throw new RefundRefusedError('PAYMENT_NOT_PAID');
    if (left === '0.00') throw new RefundRefusedError('EXCEEDS_REFUNDABLE', left);
    return { value: left, currency: payment.currency };
  }

  find(query: FindRefundsQuery): Promise<Page<RefundView>> {
    return page(
      query,
      (after, limit) =>
        this.refunds.list(
          {
            status: query.status,
            paymentId: query.paymentId,
            partnerRefundNo: query.partnerRefundNo,
            ...createdWindow(query),
            attention: query.attention === 'true',
          },
          after,
          limit,
        ),
      toRefundView,
    );
  }

  async get(id: string): Promise<RefundView> {
    const refund = await this.refunds.findById(id);
    if (!refund) throw notFound('refund');
    return toRefundView(refund);
  }
}

/** The Idempotency-Key a call came with, and whose it is. */
export interface IdempotentCall {
  caller: string;
  key: string;
}

/**
 * A refund requested under an Idempotency-Key without a partnerRefundNo gets one derived from the
 * key: a retry with that key can then never accept a second refund, even when the key forgot the
 * first answer (PostgreSQL's unique partnerRefundNo refuses it, and the first refund is answered).
 */
function partnerRefundNoOf({ caller, key }: IdempotentCall): string {
  return `RFD-${createHash('sha256').update(`${caller}\n${key}`).digest('hex').slice(0, 32)}`;
}

function refusal(err: unknown): unknown {
  if (err instanceof DuplicateKeyError) {
    return new ApiError(
      409,
      'DUPLICATE_PARTNER_REFUND_NO',
      'A refund with this partnerRefundNo already exists.',
      [{ field: 'partnerRefundNo', message: 'already used' }],
    );
  }
  if (!(err instanceof RefundRefusedError)) return err;
  switch (err.reason) {
    case 'PAYMENT_NOT_FOUND':
      return notFound('payment');
    case 'PAYMENT_NOT_PAID':
      return new ApiError(409, 'PAYMENT_NOT_REFUNDABLE', 'Only a PAID payment can be refunded.');
    case 'REFUND_NOT_SUPPORTED':
      return new ApiError(
        422,
        'REFUND_NOT_SUPPORTED',
        "The payment's channel has no refund at DOKU (virtual accounts); return the money another way.",
      );
    case 'CURRENCY_MISMATCH':
      return new ApiError(
        422,
        'CURRENCY_MISMATCH',
        'The refund currency differs from the payment currency.',
        [{ field: 'amount.currency', message: 'must equal the payment currency' }],
      );
    case 'EXCEEDS_REFUNDABLE':
      return new ApiError(
        422,
        'REFUND_EXCEEDS_REFUNDABLE',
        `The refund exceeds what is left to refund (${err.refundable}).`,
        [
          {
            field: 'amount.value',
            message: `at most ${err.refundable}`,
            refundable: err.refundable,
          },
        ],
      );
  }
}
