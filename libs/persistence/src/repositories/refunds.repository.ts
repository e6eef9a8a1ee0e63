import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { PaymentEntity, RefundEntity } from '../entities';
import { DuplicateKeyError, ExternalIdExhaustedError, isUniqueViolation } from '../errors';
import { compareMoney, fromMinorUnits, toMinorUnits } from '../money';
import { ExternalIdClaim } from './external-id.registry';
import { GroupCommit } from './group-commit';
import { PreparedStatement, runGrouped, runPrepared } from './prepared';
import { columnList, entityFromRow, rowsInOrder, unnestInput } from './rows';

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

/** An accepted refund, with what its DOKU request needs of its payment. */
export interface AcceptedRefund {
  refund: RefundEntity;
  outboxJobId: string;
  payment: Pick<PaymentEntity, 'partnerReferenceNo' | 'externalId'>;
}

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
const MAX_ACCEPT_ROUNDS = 3;
const PAYMENT_PREFIX = 'payment__';
const OPEN = `status IN ('PENDING', 'PROCESSING')`;

/** What the accept statement writes for one refund, in the order of its arrays. */
const ACCEPT_COLUMNS = [
  ['id', 'uuid'],
  ['payment_id', 'uuid'],
  ['partner_refund_no', 'text'],
  ['amount_value', 'numeric'],
  ['currency', 'text'],
  ['reason', 'text'],
  ['outbox_id', 'uuid'],
  ['queue', 'text'],
  ['job_name', 'text'],
  ['job_id', 'text'],
  ['job_data', 'text'],
] as const;
type AcceptRow = unknown[] & { length: typeof ACCEPT_COLUMNS.length };
const PAYMENT_ID_COLUMN = 1;

/** What the statement fixing the API's requests writes for one refund. */
const FIX_COLUMNS = [
  ['refund_id', 'uuid'],
  ['partner_id', 'text'],
  ['jakarta_day', 'date'],
  ['external_id', 'text'],
  ['request_body', 'text'],
] as const;
type FixRow = unknown[] & { length: typeof FIX_COLUMNS.length };

/** The hot statements of a refund's life, given the column lists they return. */
function refundStatements(refundAs: (alias: string) => string, payment: string) {
  const refund = refundAs('refunds');
  return {
    /** Refunds of distinct payments, together: one row lock and one commit per payment. */
    accept: {
      name: 'refund-accept',
      text: `
WITH input AS (
  SELECT * FROM ${unnestInput(ACCEPT_COLUMNS)}
), payment AS (
  UPDATE payments p
  SET refund_committed_amount = p.refund_committed_amount + i.amount_value, updated_at = now()
  FROM input i
  WHERE p.id = i.payment_id AND p.status = 'PAID' AND p.currency = i.currency
    AND p.refund_committed_amount + i.amount_value <= p.amount_value
  RETURNING i.id AS refund_id, p.partner_reference_no, p.external_id
), refund AS (
  -- Only the refund whose amount the payment took: were two of one payment in the statement,
  -- PostgreSQL would update the payment with one of them, and the other must not be inserted.
  INSERT INTO refunds (id, payment_id, partner_refund_no, amount_value, currency, reason, status, attempts)
  SELECT i.id, i.payment_id, i.partner_refund_no, i.amount_value, i.currency, i.reason, 'PENDING', 0
  FROM input i JOIN payment ON payment.refund_id = i.id
  RETURNING ${refund}
), job AS (
  INSERT INTO outbox_jobs (id, queue, name, job_id, data)
  SELECT i.outbox_id, i.queue, i.job_name, i.job_id, i.job_data::jsonb
  FROM input i JOIN refund ON refund.id = i.id
)
SELECT refund.*, payment.partner_reference_no AS "${PAYMENT_PREFIX}partner_reference_no",
  payment.external_id AS "${PAYMENT_PREFIX}external_id"
FROM refund JOIN payment ON payment.refund_id = refund.id`,
    },
    withPayment: {
      name: 'refund-with-payment',
      text: `SELECT ${refundAs('r')}, ${payment}
FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $1`,
    },
    /** The first claim: the X-EXTERNAL-ID is reserved and the request fixed, or nothing happens. */
    fixRequest: {
      name: 'refund-fix-request',
      text: `
WITH ext AS (
  INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose, subject_id)
  VALUES ($3, $4, $5, 'refund', $1)
  ON CONFLICT DO NOTHING
  RETURNING external_id
)
UPDATE refunds r SET status = 'PROCESSING', request_body = $2, external_id = ext.external_id,
  processing_started_at = now(), attempts = r.attempts + 1, updated_at = now()
FROM ext
WHERE r.id = $1 AND r.${OPEN} AND r.external_id IS NULL
RETURNING ${refundAs('r')}`,
    },
    /**
     * The request the API fixed at accept time, written together for the accepts made together;
     * nothing for a refund a worker fixed first (its bytes stay).
     */
    fixRequests: {
      name: 'refund-fix-requests',
      text: `
WITH input AS (
  SELECT * FROM ${unnestInput(FIX_COLUMNS)}
), ext AS (
  INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose, subject_id)
  SELECT partner_id, jakarta_day, external_id, 'refund', refund_id FROM input
  ON CONFLICT DO NOTHING
  RETURNING external_id, subject_id
)
UPDATE refunds r SET request_body = i.request_body, external_id = ext.external_id, updated_at = now()
FROM input i JOIN ext ON ext.subject_id = i.refund_id
WHERE r.id = i.refund_id AND r.status = 'PENDING' AND r.external_id IS NULL
RETURNING r.id`,
    },
    /** A claim of a refund whose request is fixed: the attempt counted and the payment read, at once. */
    claimFixed: {
      name: 'refund-claim-fixed',
      text: `
UPDATE refunds r SET status = 'PROCESSING', processing_started_at = now(),
  attempts = r.attempts + 1, updated_at = now()
FROM payments p, unnest($1::uuid[]) AS i(id)
WHERE r.id = i.id AND p.id = r.payment_id AND r.${OPEN}
  AND r.external_id IS NOT NULL AND r.request_body IS NOT NULL
RETURNING ${refundAs('r')}, ${payment}`,
    },
    reclaim: {
      name: 'refund-reclaim',
      text: `
UPDATE refunds SET status = 'PROCESSING', processing_started_at = now(), attempts = attempts + 1,
  updated_at = now()
WHERE id = $1 AND ${OPEN} AND external_id IS NOT NULL
RETURNING ${refund}`,
    },
    succeeded: {
      name: 'refund-succeeded',
      text: `
WITH refund AS (
  UPDATE refunds r SET status = 'SUCCEEDED', refund_no = i.refund_no, failure_code = NULL,
    failure_message = NULL, completed_at = now(), updated_at = now()
  FROM unnest($1::uuid[], $2::text[]) AS i(id, refund_no)
  WHERE r.id = i.id AND r.${OPEN}
  RETURNING ${refundAs('r')}
), paid AS (
  -- Per payment: two refunds of one payment settled together both count.
  SELECT payment_id, sum(amount_value) AS amount FROM refund GROUP BY payment_id
), payment AS (
  UPDATE payments p SET refunded_amount = p.refunded_amount + paid.amount, updated_at = now()
  FROM paid WHERE p.id = paid.payment_id
)
SELECT * FROM refund`,
    },
    /** A FAILED refund gives its amount back to what the payment can still refund. */
    failed: {
      name: 'refund-failed',
      text: `
WITH refund AS (
  UPDATE refunds SET status = 'FAILED', failure_code = $2, failure_message = $3,
    completed_at = now(), updated_at = now()
  WHERE id = $1 AND ${OPEN}
  RETURNING ${refund}
), payment AS (
  UPDATE payments p
  SET refund_committed_amount = p.refund_committed_amount - refund.amount_value, updated_at = now()
  FROM refund WHERE p.id = refund.payment_id
)
SELECT * FROM refund`,
    },
  } satisfies Record<string, PreparedStatement>;
}

export class RefundsRepository {
  private readonly refundRows: Repository<RefundEntity>;
  private readonly paymentRows: Repository<PaymentEntity>;
  private readonly sql: ReturnType<typeof refundStatements>;
  /** Accepts arriving together, written together (the hot path of the refund API). */
  private readonly accepts: GroupCommit<AcceptRow, Record<string, unknown> | undefined>;
  /** Requests fixed by the API right after their accepts, together as the accepts were. */
  private readonly requestFixes: GroupCommit<FixRow, boolean>;
  /** Claims of fixed requests and settlements, together when they come together. */
  private readonly fixedClaims: GroupCommit<string, Record<string, unknown> | undefined>;
  private readonly settlements: GroupCommit<
    [string, string | null],
    Record<string, unknown> | undefined
  >;

  constructor(private readonly dataSource: DataSource) {
    this.refundRows = dataSource.getRepository(RefundEntity);
    this.paymentRows = dataSource.getRepository(PaymentEntity);
    this.sql = refundStatements(
      (alias) => columnList(this.refundRows, alias),
      columnList(this.paymentRows, 'p', PAYMENT_PREFIX),
    );
    this.accepts = new GroupCommit(
      (refunds) => runGrouped(this.dataSource, this.sql.accept, ACCEPT_COLUMNS, refunds),
      // Each refund of a payment must see the committed amount the one before it left.
      { distinctBy: (row) => row[PAYMENT_ID_COLUMN] },
    );
    this.requestFixes = new GroupCommit(async (fixes) =>
      (await runGrouped(this.dataSource, this.sql.fixRequests, FIX_COLUMNS, fixes)).map(
        (row) => row !== undefined,
      ),
    );
    // One refund twice in a statement would count one attempt or one settlement for both.
    this.fixedClaims = new GroupCommit(
      async (ids) => rowsInOrder(ids, await this.run(this.sql.claimFixed, [ids])),
      { distinctBy: (id) => id },
    );
    this.settlements = new GroupCommit(
      async (items) =>
        rowsInOrder(
          items.map(([id]) => id),
          await this.run(this.sql.succeeded, [items.map(([id]) => id), items.map(([, no]) => no)]),
        ),
      { distinctBy: ([id]) => id },
    );
  }

  private run(statement: PreparedStatement, values: unknown[]): Promise<Record<string, unknown>[]> {
    return runPrepared(this.dataSource, statement, values);
  }

  /**
   * Accepts a refund: only for a PAID payment, and only while the refunds not FAILED plus this
   * one stay within the paid amount, however many requests race. One statement (the hot path):
   * a conditional UPDATE raises the payment's committed amount (its row lock serializes racing
   * accepts, and each sees the amount the one before it left), and the refund and its outbox job
   * are inserted with it, or nothing is. Accepts made while one is in flight go as one statement
   * (group commit), never two of one payment in the same one; a group PostgreSQL refuses (a
   * duplicate partnerRefundNo) is written again refund by refund.
   */
  async accept(input: NewRefund, outbox: OutboxTarget): Promise<AcceptedRefund> {
    for (let round = 0; round < MAX_ACCEPT_ROUNDS; round++) {
      const id = randomUUID();
      const outboxJobId = randomUUID();
      let row: Record<string, unknown> | undefined;
      try {
        row = await this.accepts.run([
          id,
          input.paymentId,
          input.partnerRefundNo,
          input.amountValue,
          input.currency,
          input.reason ?? null,
          outboxJobId,
          outbox.queue,
          outbox.name,
          outbox.jobId(id),
          JSON.stringify({ refundId: id }),
        ]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateKeyError('partnerRefundNo');
        throw err;
      }
      if (row)
        return {
          refund: entityFromRow(this.refundRows, row),
          outboxJobId,
          payment: {
            partnerReferenceNo: row[`${PAYMENT_PREFIX}partner_reference_no`] as string,
            externalId: row[`${PAYMENT_PREFIX}external_id`] as string,
          },
        };
      await this.whyRefused(input);
      // Not refused now: a refund FAILED in between and gave its amount back. Try again.
    }
    throw new Error(`refund of payment ${input.paymentId}: accept kept racing`);
  }

  /** Throws why the payment refused the refund; returns if it would accept it now. */
  private async whyRefused(input: NewRefund): Promise<void> {
    const [payment] = (await this.dataSource.query(
      `SELECT status, currency, amount_value, refund_committed_amount FROM payments WHERE id = $1`,
      [input.paymentId],
    )) as {
      status: string;
      currency: string;
      amount_value: string;
      refund_committed_amount: string;
    }[];
    if (!payment) throw new RefundRefusedError('PAYMENT_NOT_FOUND');
    if (payment.status !== 'PAID') throw new RefundRefusedError('PAYMENT_NOT_PAID');
    if (payment.currency !== input.currency) throw new RefundRefusedError('CURRENCY_MISMATCH');
    const refundable = fromMinorUnits(
      toMinorUnits(payment.amount_value) - toMinorUnits(payment.refund_committed_amount),
    );
    if (compareMoney(input.amountValue, refundable) > 0)
      throw new RefundRefusedError('EXCEEDS_REFUNDABLE', refundable);
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
    return this.requestFixes.run([
      refundId,
      claim.partnerId,
      claim.jakartaDay,
      externalId,
      requestBody,
    ]);
  }

  /**
   * Takes the refund for a call to DOKU and counts the attempt (before the call, so a crash
   * mid-call is counted too). A request the API fixed at accept time is claimed and read in one
   * statement. Otherwise the first claim moves PENDING → PROCESSING and fixes the request: its
   * bytes and a reserved X-EXTERNAL-ID are stored before anything is sent. Later claims (retry,
   * crash, operator retry) get the same bytes and id back, `resumed`. Each write is one
   * conditional statement: a claim or settlement that got there first makes it match nothing,
   * and the refund is read again.
   */
  async claim(
    refundId: string,
    prepare: (refund: RefundEntity, payment: PaymentEntity) => string,
    drawExternalId: () => string,
    claim: Omit<ExternalIdClaim, 'purpose' | 'subjectId'>,
  ): Promise<RefundClaim | null> {
    // The usual case: the API fixed the request at accept time; one statement claims and reads.
    const fixed = await this.fixedClaims.run(refundId);
    if (fixed)
      return processing(
        entityFromRow(this.refundRows, fixed),
        entityFromRow(this.paymentRows, fixed, PAYMENT_PREFIX),
      );
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const [row] = await this.run(this.sql.withPayment, [refundId]);
      if (!row) return null;
      const refund = entityFromRow(this.refundRows, row);
      if (refund.status === 'SUCCEEDED' || refund.status === 'FAILED')
        return { state: 'final', refund };
      const payment = entityFromRow(this.paymentRows, row, PAYMENT_PREFIX);
      const updated =
        refund.externalId && refund.requestBody
          ? await this.run(this.sql.reclaim, [refundId])
          : await this.run(this.sql.fixRequest, [
              refundId,
              prepare(refund, payment),
              claim.partnerId,
              claim.jakartaDay,
              drawExternalId(),
            ]);
      if (updated.length === 1)
        return processing(entityFromRow(this.refundRows, updated[0]), payment);
      // Another claim or a settlement got there first, or the drawn id was taken that day.
    }
    throw new ExternalIdExhaustedError();
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
  ): Promise<{ refund: RefundEntity; changed: boolean }> {
    const row = await this.settlements.run([refundId, refundNo]);
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
}
