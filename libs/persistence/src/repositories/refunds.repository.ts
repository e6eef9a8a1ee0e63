import { DataSource, Repository } from 'typeorm';
import {
  NOT_IN_EVENT_SNAPSHOTS,
  PaymentEntity,
  RefundChangeSource,
  RefundEntity,
  RefundStatusChangeEntity,
} from '../entities';
import { DuplicateKeyError, isDeadlock, isUniqueViolation } from '../errors';
import {
  ACCEPT_INPUT,
  FIX_INPUT,
  PAYMENT_PREFIX,
  RefundAcceptItem,
  RefundFixItem,
  refundStatements,
  RefundSuccessItem,
  SUCCESS_INPUT,
} from '../statements/refunds.sql';
import { ExternalIdClaim } from './external-id.registry';
import { GroupCommit } from './group-commit';
import { PreparedStatement, runGrouped, runPrepared } from './prepared';
import { columnList, entityFromRow, keysetPage, rowsInOrder, snapshotOf } from './rows';

/** How many times an accept is written when PostgreSQL aborts it to break a deadlock. */
const ACCEPT_DEADLOCK_ATTEMPTS = 3;

/** A refund to accept, with the outbox job that will queue it. */
export type NewRefund = Omit<RefundAcceptItem, 'outboxId' | 'jobData' | 'metadata'> & {
  jobData: Record<string, unknown>;
  metadata?: Record<string, string>;
};

/** An accepted refund, with what its DOKU request needs of its payment. */
export interface AcceptedRefund {
  refund: RefundEntity;
  outboxJobId: string;
  payment: Pick<
    PaymentEntity,
    'partnerReferenceNo' | 'externalId' | 'channel' | 'referenceNo' | 'channelInput'
  >;
}

/** What a list of refunds may be narrowed by. */
export interface RefundFilter {
  status?: string;
  paymentId?: string;
  partnerRefundNo?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Only those a person must look at. */
  attention?: boolean;
}

/** What decides whether a payment takes a refund. */
export interface RefundablePayment {
  status: string;
  channel: string;
  currency: string;
  amountValue: string;
  refundCommittedAmount: string;
  /** What DOKU reported paid when the books could not take it as it came. */
  dokuPaidAmount: string | null;
}

export interface RefundWithPayment {
  refund: RefundEntity;
  payment: PaymentEntity;
}

/**
 * A refund's rows, one statement per method: the rounds that retry them (accept, claim) are the
 * refunds feature's. Hot statements are prepared and grouped (group commit) when calls arrive
 * together.
 */
export class RefundsRepository {
  private readonly refundRows: Repository<RefundEntity>;
  private readonly paymentRows: Repository<PaymentEntity>;
  private readonly sql: ReturnType<typeof refundStatements>;
  /** Accepts arriving together, written together (the hot path of the refund API). */
  private readonly accepts: GroupCommit<RefundAcceptItem, Record<string, unknown> | undefined>;
  /** Requests fixed by the API right after their accepts, together as the accepts were. */
  private readonly requestFixes: GroupCommit<RefundFixItem, boolean>;
  /** Claims of fixed requests and settlements, together when they come together. */
  private readonly fixedClaims: GroupCommit<string, Record<string, unknown> | undefined>;
  private readonly settlements: GroupCommit<RefundSuccessItem, Record<string, unknown> | undefined>;

  constructor(private readonly dataSource: DataSource) {
    this.refundRows = dataSource.getRepository(RefundEntity);
    this.paymentRows = dataSource.getRepository(PaymentEntity);
    this.sql = refundStatements(
      (alias) => columnList(this.refundRows, alias),
      columnList(this.paymentRows, 'p', PAYMENT_PREFIX),
      (alias) => snapshotOf(this.refundRows, alias, NOT_IN_EVENT_SNAPSHOTS),
    );
    this.accepts = new GroupCommit(
      (refunds) => runGrouped(this.dataSource, this.sql.accept, ACCEPT_INPUT, refunds),
      // Each refund of a payment must see the committed amount the one before it left.
      { distinctBy: (item) => item.paymentId },
    );
    this.requestFixes = new GroupCommit(async (fixes) =>
      (await runGrouped(this.dataSource, this.sql.fixRequests, FIX_INPUT, fixes)).map(
        (row) => row !== undefined,
      ),
    );
    // One refund twice in a statement would count one attempt or one settlement for both.
    this.fixedClaims = new GroupCommit(
      async (ids) => rowsInOrder(ids, await this.run(this.sql.claimFixed, [ids])),
      { distinctBy: (id) => id },
    );
    this.settlements = new GroupCommit(
      (items) => runGrouped(this.dataSource, this.sql.succeeded, SUCCESS_INPUT, items),
      { distinctBy: (item) => item.id },
    );
  }

  private run(statement: PreparedStatement, values: unknown[]): Promise<Record<string, unknown>[]> {
    return runPrepared(this.dataSource, statement, values);
  }

  /**
   * Accepts a refund if its payment takes it: PAID, same currency, and the refunds not FAILED plus
   * this one within the paid amount, however many requests race. One statement: a conditional
   * UPDATE raises the payment's committed amount (its row lock serializes racing accepts, and each
   * sees the amount the one before it left), and the refund, its first status change and its outbox
   * job are inserted with it, or nothing is. Undefined: the payment did not take it. Accepts made
   * while one is in flight go as one statement, never two of one payment in the same one.
   */
  async accept(refund: NewRefund, outboxJobId: string): Promise<AcceptedRefund | undefined> {
    const row = await this.acceptRow(refund, outboxJobId);
    if (!row) return undefined;
    return {
      refund: entityFromRow(this.refundRows, row),
      outboxJobId,
      payment: {
        partnerReferenceNo: row[`${PAYMENT_PREFIX}partner_reference_no`] as string,
        externalId: row[`${PAYMENT_PREFIX}external_id`] as string,
        channel: row[`${PAYMENT_PREFIX}channel`] as string,
        referenceNo: row[`${PAYMENT_PREFIX}reference_no`] as string | null,
        channelInput: row[`${PAYMENT_PREFIX}channel_input`] as Record<string, unknown>,
      },
    };
  }

  /**
   * The accept statement, again when PostgreSQL breaks a deadlock by aborting it (nothing of it was
   * written). The accept locks the payment, then inserts the refund; a settlement locks its refund,
   * then the payment. A repeated partnerRefundNo whose first refund is being settled waits for that
   * settlement at the insert while holding the payment it needs: one of the two is aborted, and
   * the accept, written again, is the duplicate it is.
   */
  private async acceptRow(
    refund: NewRefund,
    outboxJobId: string,
  ): Promise<Record<string, unknown> | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.accepts.run({
          id: refund.id,
          paymentId: refund.paymentId,
          partnerRefundNo: refund.partnerRefundNo,
          amountValue: refund.amountValue,
          currency: refund.currency,
          reason: refund.reason,
          metadata: refund.metadata ? JSON.stringify(refund.metadata) : '{}',
          outboxId: outboxJobId,
          queue: refund.queue,
          jobName: refund.jobName,
          jobId: refund.jobId,
          jobData: JSON.stringify(refund.jobData),
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateKeyError('partnerRefundNo');
        if (isDeadlock(err) && attempt < ACCEPT_DEADLOCK_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  async refundablePayment(paymentId: string): Promise<RefundablePayment | undefined> {
    const [row] = await this.run(this.sql.refundablePayment, [paymentId]);
    return (
      row && {
        status: row.status as string,
        channel: row.channel as string,
        currency: row.currency as string,
        amountValue: row.amount_value as string,
        refundCommittedAmount: row.refund_committed_amount as string,
        dokuPaidAmount: row.doku_paid_amount as string | null,
      }
    );
  }

  findById(id: string): Promise<RefundEntity | null> {
    return this.refundRows.findOneBy({ id });
  }

  findByPartnerRefundNo(partnerRefundNo: string): Promise<RefundEntity | null> {
    return this.refundRows.findOneBy({ partnerRefundNo });
  }

  /**
   * Fixes an accepted refund's request (its bytes and a reserved X-EXTERNAL-ID) before its job is
   * queued, so that the worker's claim is one statement. False when it was not fixed (a worker
   * fixed it first, or the drawn id was taken that day): the worker's claim then fixes it.
   */
  fixRequest(
    refundId: string,
    requestBody: string,
    externalId: string,
    claim: Omit<ExternalIdClaim, 'purpose' | 'subjectId'>,
  ): Promise<boolean> {
    return this.requestFixes.run({
      refundId,
      partnerId: claim.partnerId,
      jakartaDay: claim.jakartaDay,
      externalId,
      requestBody,
    });
  }

  /** Takes an open refund whose request is fixed: the attempt counted and its payment read, at once. */
  async claimFixed(refundId: string): Promise<RefundWithPayment | undefined> {
    const row = await this.fixedClaims.run(refundId);
    return row && this.withPaymentOf(row);
  }

  async withPayment(refundId: string): Promise<RefundWithPayment | undefined> {
    const [row] = await this.run(this.sql.withPayment, [refundId]);
    return row && this.withPaymentOf(row);
  }

  /** Takes an open refund whose request is fixed again (a resend): the attempt counted. */
  async reclaim(refundId: string): Promise<RefundEntity | undefined> {
    const [row] = await this.run(this.sql.reclaim, [refundId]);
    return row && entityFromRow(this.refundRows, row);
  }

  /**
   * The first claim of a PENDING refund whose request is not fixed: the X-EXTERNAL-ID reserved and
   * the request stored before anything is sent, or nothing happens (another claim got there first,
   * or the id was taken that day).
   */
  async fixAndClaim(
    refundId: string,
    requestBody: string,
    externalId: string,
    claim: Omit<ExternalIdClaim, 'purpose' | 'subjectId'>,
  ): Promise<RefundEntity | undefined> {
    const [row] = await this.run(this.sql.fixAndClaim, [
      refundId,
      requestBody,
      claim.partnerId,
      claim.jakartaDay,
      externalId,
    ]);
    return row && entityFromRow(this.refundRows, row);
  }

  /** After a token refresh the resend carries a new X-EXTERNAL-ID: stored before it is sent. */
  async replaceExternalId(refundId: string, externalId: string): Promise<void> {
    await this.refundRows.update({ id: refundId, status: 'PROCESSING' }, { externalId });
  }

  /**
   * SUCCEEDED with DOKU's refundNo, and the payment's refundedAmount grows, in one statement:
   * the refund's row lock and its status condition make it happen once, however many settle.
   */
  async markSucceeded(
    refundId: string,
    refundNo: string | null,
    source: RefundChangeSource = 'doku_refund',
  ): Promise<{ refund: RefundEntity; changed: boolean }> {
    const row = await this.settlements.run({ id: refundId, refundNo, source });
    return this.settled(refundId, row ? [row] : []);
  }

  /** FAILED for good (DOKU refused it): its amount is refundable again. */
  async markFailed(
    refundId: string,
    code: string,
    message: string | null,
  ): Promise<{ refund: RefundEntity; changed: boolean }> {
    return this.settled(refundId, await this.run(this.sql.failed, [refundId, code, message]));
  }

  /** A final refund never moves again: no row back means it already was final. */
  private async settled(
    refundId: string,
    rows: Record<string, unknown>[],
  ): Promise<{ refund: RefundEntity; changed: boolean }> {
    if (rows.length === 1)
      return { refund: entityFromRow(this.refundRows, rows[0]), changed: true };
    return { refund: await this.refundRows.findOneByOrFail({ id: refundId }), changed: false };
  }

  /** An open refund a person must look at (its calls ran out); cleared when it settles. */
  async markAttention(refundId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE refunds SET attention_reason = $2, attention_since = coalesce(attention_since, now())
       WHERE id = $1 AND status IN ('PENDING', 'PROCESSING')`,
      [refundId, reason],
    );
  }

  /** Refunds matching `filter`, newest first (a keyset page, as payments' lists). */
  list(filter: RefundFilter, after: string | undefined, limit: number): Promise<RefundEntity[]> {
    const q = this.refundRows.createQueryBuilder('r');
    if (filter.status) q.andWhere('r.status = :status', { status: filter.status });
    if (filter.paymentId) q.andWhere('r.payment_id = :paymentId', { paymentId: filter.paymentId });
    if (filter.partnerRefundNo)
      q.andWhere('r.partner_refund_no = :no', { no: filter.partnerRefundNo });
    if (filter.createdFrom) q.andWhere('r.created_at >= :from', { from: filter.createdFrom });
    if (filter.createdTo) q.andWhere('r.created_at < :to', { to: filter.createdTo });
    if (filter.attention) q.andWhere('r.attention_reason IS NOT NULL');
    return keysetPage(this.refundRows, q, 'r', after, limit);
  }

  /** Keeps the last retryable problem visible to operators while the refund is still open. */
  async noteProblem(refundId: string, code: string, message: string | null): Promise<void> {
    await this.refundRows.update(
      { id: refundId, status: 'PROCESSING' },
      { failureCode: code, failureMessage: message },
    );
  }

  /** Open refunds not touched since `before` (PENDING without progress, PROCESSING whose worker may be gone). */
  findStale(before: Date, limit: number): Promise<RefundEntity[]> {
    return this.refundRows
      .createQueryBuilder('r')
      .where(`r.status IN ('PENDING', 'PROCESSING')`)
      .andWhere('r.updated_at < :before', { before })
      .orderBy('r.updated_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  statusHistory(refundId: string): Promise<RefundStatusChangeEntity[]> {
    return this.dataSource
      .getRepository(RefundStatusChangeEntity)
      .find({ where: { refundId }, order: { createdAt: 'ASC' } });
  }

  private withPaymentOf(row: Record<string, unknown>): RefundWithPayment {
    return {
      refund: entityFromRow(this.refundRows, row),
      payment: entityFromRow(this.paymentRows, row, PAYMENT_PREFIX),
    };
  }
}
