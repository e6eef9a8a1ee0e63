import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxJobEntity, PaymentEntity, RefundEntity } from '../entities';
import { DuplicateKeyError, isUniqueViolation } from '../errors';
import { addMoney, compareMoney, fromMinorUnits, toMinorUnits } from '../money';
import { ExternalIdClaim, ExternalIdRegistry } from './external-id.registry';

export interface NewRefund {
  paymentId: string;
  amountValue: string;
  currency: string;
  reason?: string | null;
  partnerRefundNo: string;
}

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
      'PAYMENT_NOT_FOUND' | 'PAYMENT_NOT_PAID' | 'CURRENCY_MISMATCH' | 'EXCEEDS_REFUNDABLE',
    readonly refundable?: string,
  ) {
    super(reason);
    this.name = 'RefundRefusedError';
  }
}

export type RefundClaim =
  | { state: 'final'; refund: RefundEntity }
  /** PROCESSING now: send `refund.requestBody` with `refund.externalId` (a resend if `resumed`). */
  | { state: 'processing'; refund: RefundEntity; payment: PaymentEntity; resumed: boolean };

export class RefundsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly externalIds: ExternalIdRegistry,
  ) {}

  /**
   * Accepts a refund under a row lock on its payment: only a PAID payment, and only while the
   * refunds not FAILED plus this one stay within the paid amount, however many requests race.
   * The refund and its outbox job are written in one transaction.
   */
  async accept(
    input: NewRefund,
    outbox: OutboxTarget,
  ): Promise<{ refund: RefundEntity; job: OutboxJobEntity }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const payment = await manager.findOne(PaymentEntity, {
          where: { id: input.paymentId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!payment) throw new RefundRefusedError('PAYMENT_NOT_FOUND');
        if (payment.status !== 'PAID') throw new RefundRefusedError('PAYMENT_NOT_PAID');
        if (payment.currency !== input.currency) throw new RefundRefusedError('CURRENCY_MISMATCH');
        const committed = await this.committedAmount(manager, payment.id);
        const refundable = fromMinorUnits(
          toMinorUnits(payment.amountValue) - toMinorUnits(committed),
        );
        if (compareMoney(input.amountValue, refundable) > 0)
          throw new RefundRefusedError('EXCEEDS_REFUNDABLE', refundable);

        const id = randomUUID();
        await manager.insert(RefundEntity, {
          id,
          paymentId: payment.id,
          partnerRefundNo: input.partnerRefundNo,
          amountValue: input.amountValue,
          currency: input.currency,
          reason: input.reason ?? null,
          status: 'PENDING',
          attempts: 0,
        });
        const jobId = outbox.jobId(id);
        await manager.insert(OutboxJobEntity, {
          queue: outbox.queue,
          name: outbox.name,
          jobId,
          data: { refundId: id },
        });
        return {
          refund: await manager.findOneByOrFail(RefundEntity, { id }),
          job: await manager.findOneByOrFail(OutboxJobEntity, { jobId }),
        };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError('partnerRefundNo');
      throw err;
    }
  }

  /** Sum of the payment's refunds that are not FAILED: money promised or paid back. */
  private async committedAmount(manager: EntityManager, paymentId: string): Promise<string> {
    const [row] = await manager.query(
      `SELECT coalesce(sum(amount_value), 0)::numeric(18,2)::text AS total FROM refunds WHERE payment_id = $1 AND status <> 'FAILED'`,
      [paymentId],
    );
    return addMoney(row.total, '0.00');
  }

  findById(id: string): Promise<RefundEntity | null> {
    return this.dataSource.getRepository(RefundEntity).findOneBy({ id });
  }

  /**
   * Takes the refund for a call to DOKU, under a row lock. The first time, it moves PENDING →
   * PROCESSING and fixes the request: its bytes and a reserved X-EXTERNAL-ID are stored before
   * anything is sent. Later times (retry, crash, operator retry) get the same bytes and id back.
   */
  claim(
    refundId: string,
    prepare: (refund: RefundEntity, payment: PaymentEntity) => string,
    drawExternalId: () => string,
    claim: Omit<ExternalIdClaim, 'purpose' | 'subjectId'>,
  ): Promise<RefundClaim | null> {
    return this.dataSource.transaction(async (manager) => {
      const refund = await manager.findOne(RefundEntity, {
        where: { id: refundId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!refund) return null;
      if (refund.status === 'SUCCEEDED' || refund.status === 'FAILED')
        return { state: 'final', refund };
      const payment = await manager.findOneByOrFail(PaymentEntity, { id: refund.paymentId });
      const resumed = refund.status === 'PROCESSING';
      if (!refund.externalId || !refund.requestBody) {
        refund.requestBody = prepare(refund, payment);
        refund.externalId = await this.externalIds.reserve(
          drawExternalId,
          { ...claim, purpose: 'refund', subjectId: refund.id },
          manager,
        );
      }
      refund.status = 'PROCESSING';
      refund.processingStartedAt = new Date();
      await manager.save(RefundEntity, refund);
      return { state: 'processing', refund, payment, resumed };
    });
  }

  /** Counts a call to DOKU (before it is made, so a crash mid-call is still counted). */
  async countAttempt(refundId: string): Promise<void> {
    await this.dataSource.getRepository(RefundEntity).increment({ id: refundId }, 'attempts', 1);
  }

  /** After a token refresh the resend carries a new X-EXTERNAL-ID: stored before it is sent. */
  async replaceExternalId(refundId: string, externalId: string): Promise<void> {
    await this.dataSource
      .getRepository(RefundEntity)
      .update({ id: refundId, status: 'PROCESSING' }, { externalId });
  }

  /** SUCCEEDED with DOKU's refundNo; the payment's refundedAmount grows in the same transaction. */
  markSucceeded(
    refundId: string,
    refundNo: string | null,
  ): Promise<{ refund: RefundEntity; changed: boolean }> {
    return this.settle(refundId, async (refund, manager) => {
      refund.status = 'SUCCEEDED';
      refund.refundNo = refundNo;
      refund.failureCode = null;
      refund.failureMessage = null;
      await manager.query(
        `UPDATE payments SET refunded_amount = refunded_amount + $1::numeric, updated_at = now() WHERE id = $2`,
        [refund.amountValue, refund.paymentId],
      );
    });
  }

  /** FAILED for good (DOKU refused it): its amount is refundable again. */
  markFailed(
    refundId: string,
    code: string,
    message: string | null,
  ): Promise<{ refund: RefundEntity; changed: boolean }> {
    return this.settle(refundId, async (refund) => {
      refund.status = 'FAILED';
      refund.failureCode = code;
      refund.failureMessage = message;
    });
  }

  /** Moves an open refund to its final status under a row lock; a final refund never moves again. */
  private settle(
    refundId: string,
    finish: (refund: RefundEntity, manager: EntityManager) => Promise<void>,
  ): Promise<{ refund: RefundEntity; changed: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const refund = await manager.findOneOrFail(RefundEntity, {
        where: { id: refundId },
        lock: { mode: 'pessimistic_write' },
      });
      if (refund.status === 'SUCCEEDED' || refund.status === 'FAILED')
        return { refund, changed: false };
      await finish(refund, manager);
      refund.completedAt = new Date();
      await manager.save(RefundEntity, refund);
      return { refund, changed: true };
    });
  }

  /** Keeps the last retryable problem visible to operators while the refund is still open. */
  async noteProblem(refundId: string, code: string, message: string | null): Promise<void> {
    await this.dataSource
      .getRepository(RefundEntity)
      .update(
        { id: refundId, status: 'PROCESSING' },
        { failureCode: code, failureMessage: message },
      );
  }

  /** Open refunds not touched since `before` (PENDING without progress, PROCESSING whose worker may be gone). */
  findStale(before: Date, limit: number): Promise<RefundEntity[]> {
    return this.dataSource
      .getRepository(RefundEntity)
      .createQueryBuilder('r')
      .where(`r.status IN ('PENDING', 'PROCESSING')`)
      .andWhere('r.updated_at < :before', { before })
      .orderBy('r.updated_at', 'ASC')
      .limit(limit)
      .getMany();
  }
}
