import { Injectable } from '@nestjs/common';
import {
  ExternalIdClaim,
  ExternalIdExhaustedError,
  PaymentEntity,
  RefundEntity,
  RefundsRepository,
} from '@app/persistence';

export type RefundClaim =
  | { state: 'final'; refund: RefundEntity }
  /** PROCESSING now: send `refund.requestBody` with `refund.externalId` (a resend if `resumed`). */
  | { state: 'processing'; refund: RefundEntity; payment: PaymentEntity; resumed: boolean };

/** Claimed: every claim counts an attempt, so more than one means an earlier claim may have sent it. */
const processing = (refund: RefundEntity, payment: PaymentEntity): RefundClaim => ({
  state: 'processing',
  refund,
  payment,
  resumed: refund.attempts > 1,
});

const MAX_CLAIM_ROUNDS = 5;

/**
 * Takes a refund for a call to DOKU and counts the attempt (before the call, so a crash mid-call
 * is counted too). A request the API fixed at accept time is claimed and read in one statement.
 * Otherwise the first claim moves PENDING → PROCESSING and fixes the request: its bytes and a
 * reserved X-EXTERNAL-ID are stored before anything is sent. Later claims (retry, crash, operator
 * retry) get the same bytes and id back, `resumed`. Each write is one conditional statement: a
 * claim or settlement that got there first makes it match nothing, and the refund is read again.
 */
@Injectable()
export class RefundClaims {
  constructor(private readonly refunds: RefundsRepository) {}

  async claim(
    refundId: string,
    prepare: (refund: RefundEntity, payment: PaymentEntity) => string,
    drawExternalId: () => string,
    claim: Omit<ExternalIdClaim, 'purpose' | 'subjectId'>,
  ): Promise<RefundClaim | null> {
    // The usual case: the API fixed the request at accept time; one statement claims and reads.
    const fixed = await this.refunds.claimFixed(refundId);
    if (fixed) return processing(fixed.refund, fixed.payment);
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const read = await this.refunds.withPayment(refundId);
      if (!read) return null;
      const { refund, payment } = read;
      if (refund.status === 'SUCCEEDED' || refund.status === 'FAILED')
        return { state: 'final', refund };
      const claimed =
        refund.externalId && refund.requestBody
          ? await this.refunds.reclaim(refundId)
          : await this.refunds.fixAndClaim(
              refundId,
              prepare(refund, payment),
              drawExternalId(),
              claim,
            );
      if (claimed) return processing(claimed, payment);
      // Another claim or a settlement got there first, or the drawn id was taken that day.
    }
    throw new ExternalIdExhaustedError();
  }
}
