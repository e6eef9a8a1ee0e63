import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import {
  AcceptedRefund,
  DuplicateKeyError,
  OutboxRepository,
  RefundsRepository,
} from '@app/persistence';
import { Channels } from '../channels/channels';
import { ApiError, notFound } from '../common/api-error';
import { ExternalIdService } from '../doku/external-id.service';
import type { HttpResult } from '../idempotency/idempotency.service';
import { REFUND_JOB, REFUNDS_QUEUE } from '../queues/queue-names';
import { CreateRefundDto } from './dto/create-refund.dto';
import { RefundAcceptance, RefundRefusedError } from './refund-acceptance';
import { refundJobId } from './refund-jobs';
import { RefundQueue } from './refund-queue';
import { refundRequestBody } from './refund-request';
import { RefundView, toRefundView } from './refund.view';

/** Accepts refunds: recorded with their job in PostgreSQL first, then handed to the queue. */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger('Refunds');

  constructor(
    private readonly refunds: RefundsRepository,
    private readonly acceptance: RefundAcceptance,
    private readonly outbox: OutboxRepository,
    private readonly queue: RefundQueue,
    private readonly channels: Channels,
    private readonly externalIds: ExternalIdService,
  ) {}

  /**
   * Accepts the refund and queues it. `idempotency`: the caller and Idempotency-Key it came with,
   * if any.
   */
  async request(
    paymentId: string,
    dto: CreateRefundDto,
    idempotency?: IdempotentCall,
  ): Promise<HttpResult> {
    const derived = dto.partnerRefundNo === undefined && idempotency !== undefined;
    const partnerRefundNo =
      dto.partnerRefundNo ??
      (idempotency ? partnerRefundNoOf(idempotency) : `RFD-${randomUUID().replace(/-/g, '')}`);
    let accepted;
    try {
      accepted = await this.acceptance.accept(
        {
          paymentId,
          amountValue: dto.amount.value,
          currency: dto.amount.currency,
          reason: dto.reason ?? null,
          partnerRefundNo,
        },
        { queue: REFUNDS_QUEUE, name: REFUND_JOB, jobId: refundJobId },
      );
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
    await this.fixRequest(accepted);
    await this.dispatch(accepted);
    return { status: 202, body: toRefundView(accepted.refund) };
  }

  /**
   * Fixes the refund's DOKU request (bytes and X-EXTERNAL-ID) before its job is queued: the
   * worker then claims and reads it in one statement. Best effort: the worker fixes it otherwise.
   */
  private async fixRequest({ refund, payment }: AcceptedRefund): Promise<void> {
    try {
      await this.refunds.fixRequest(
        refund.id,
        refundRequestBody(this.channels.get(payment.channel).spec, refund, payment),
        this.externalIds.draw(),
        this.externalIds.today(),
      );
    } catch (err) {
      this.logger.warn(
        { refundId: refund.id, reason: (err as Error).message },
        'refund request not fixed at accept; its worker fixes it',
      );
    }
  }

  /** Accepted all the same when either step fails: the outbox relay queues the job later. */
  private async dispatch({ refund, outboxJobId }: AcceptedRefund): Promise<void> {
    try {
      await this.queue.enqueue(refund.id);
    } catch (err) {
      this.logger.warn(
        { refundId: refund.id, reason: (err as Error).message },
        'refund accepted, queue unavailable; left to the outbox relay',
      );
      return;
    }
    try {
      await this.outbox.markDispatched(outboxJobId);
    } catch (err) {
      this.logger.warn(
        { refundId: refund.id, reason: (err as Error).message },
        'refund queued, its outbox row not marked; the relay will queue it again (a no-op)',
      );
    }
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
