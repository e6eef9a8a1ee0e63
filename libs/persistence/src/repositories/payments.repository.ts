import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  PaymentEntity,
  PaymentStatus,
  PaymentStatusChangeEntity,
  StatusChangeSource,
} from '../entities';
import { DuplicateKeyError, ExternalIdExhaustedError, isUniqueViolation } from '../errors';
import { ExternalIdClaim } from './external-id.registry';
import { GroupCommit } from './group-commit';
import { PreparedStatement, runGrouped } from './prepared';
import { columnList, entityFromRow, unnestInput } from './rows';

export interface NewPayment {
  partnerReferenceNo: string;
  channel: string;
  amountValue: string;
  currency: string;
  returnUrl: string;
  deviceId: string;
  ipAddress?: string | null;
  orderTitle?: string | null;
  validUpTo?: string | null;
  pointOfInitiation?: string | null;
  deepLink?: boolean;
  /** The exact bytes that will be sent to DOKU. */
  requestBody: string;
  idempotencyKey?: string | null;
}

export interface StatusChange {
  to: PaymentStatus;
  source: StatusChangeSource;
  detail?: Record<string, unknown>;
  referenceNo?: string | null;
  paidAt?: Date | null;
  failureCode?: string | null;
  failureMessage?: string | null;
}

export interface StatusChangeResult {
  payment: PaymentEntity;
  changed: boolean;
  from: PaymentStatus;
  /** The payment was already final in another status: the fact contradicts what we know. */
  conflict: boolean;
}

/** Only PENDING moves, and only forward: a final status is never changed. */
export function canMovePayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return from === 'PENDING' && to !== 'PENDING';
}

const MAX_EXTERNAL_ID_DRAWS = 5;

/** What the create statement writes for one payment, in the order of its arrays. */
const CREATE_COLUMNS = [
  ['id', 'uuid'],
  ['partner_id', 'text'],
  ['jakarta_day', 'date'],
  ['external_id', 'text'],
  ['partner_reference_no', 'text'],
  ['channel', 'text'],
  ['amount_value', 'numeric'],
  ['currency', 'text'],
  ['return_url', 'text'],
  ['device_id', 'text'],
  ['ip_address', 'text'],
  ['order_title', 'text'],
  ['valid_up_to', 'text'],
  ['point_of_initiation', 'text'],
  ['deep_link', 'boolean'],
  ['request_body', 'text'],
  ['idempotency_key', 'text'],
] as const;
type CreateRow = unknown[] & { length: typeof CREATE_COLUMNS.length };
type CreatedRow = { id: string; created_at: Date; updated_at: Date };

/**
 * Payments created together, one row each: their X-EXTERNAL-IDs, the payments and their first
 * status changes, in one statement (data-modifying CTEs run in one snapshot: all or nothing). A
 * payment whose id was taken that day gets no row back and draws again.
 */
const CREATE_PAYMENTS: PreparedStatement = {
  name: 'payment-create',
  text: `
WITH input AS (
  SELECT * FROM ${unnestInput(CREATE_COLUMNS)}
), ext AS (
  INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose, subject_id)
  SELECT partner_id, jakarta_day, external_id, 'payment', id FROM input
  ON CONFLICT DO NOTHING
  RETURNING partner_id, jakarta_day, external_id
), pay AS (
  INSERT INTO payments (id, partner_reference_no, channel, amount_value, currency, status, return_url,
    device_id, ip_address, order_title, valid_up_to, point_of_initiation, deep_link, external_id,
    request_body, idempotency_key)
  SELECT i.id, i.partner_reference_no, i.channel, i.amount_value, i.currency, 'PENDING', i.return_url,
    i.device_id, i.ip_address, i.order_title, i.valid_up_to, i.point_of_initiation, i.deep_link,
    i.external_id, i.request_body, i.idempotency_key
  FROM input i
  JOIN ext USING (partner_id, jakarta_day, external_id)
  RETURNING id, created_at, updated_at
), change AS (
  INSERT INTO payment_status_changes (payment_id, from_status, to_status, source)
  SELECT id, NULL, 'PENDING', 'api' FROM pay
)
SELECT id, created_at, updated_at FROM pay`,
};

/** What recording DOKU's answer writes for one payment (null: keep what is stored). */
const ANSWER_COLUMNS = [
  ['id', 'uuid'],
  ['redirect_url', 'text'],
  ['reference_no', 'text'],
  ['external_id', 'text'],
] as const;
type AnswerRow = unknown[] & { length: typeof ANSWER_COLUMNS.length };

export class PaymentsRepository {
  /** New payments, written together when they arrive together (the hot path of the API). */
  private readonly creates: GroupCommit<CreateRow, CreatedRow | undefined>;
  /** DOKU's answers to payment requests, recorded together when they arrive together. */
  private readonly answers: GroupCommit<AnswerRow, PaymentEntity | undefined>;

  constructor(private readonly dataSource: DataSource) {
    this.creates = new GroupCommit((payments) =>
      runGrouped<CreatedRow>(this.dataSource, CREATE_PAYMENTS, CREATE_COLUMNS, payments),
    );
    const rows = dataSource.getRepository(PaymentEntity);
    // Only the fields DOKU gave replace what is stored.
    const recordAnswers: PreparedStatement = {
      name: 'payment-record-doku-answers',
      text: `UPDATE payments p SET redirect_url = coalesce(i.redirect_url, p.redirect_url),
  reference_no = coalesce(i.reference_no, p.reference_no),
  external_id = coalesce(i.external_id, p.external_id), updated_at = now()
FROM ${unnestInput(ANSWER_COLUMNS)}
WHERE p.id = i.id
RETURNING ${columnList(rows, 'p')}`,
    };
    this.answers = new GroupCommit(async (answers) =>
      (await runGrouped(this.dataSource, recordAnswers, ANSWER_COLUMNS, answers)).map(
        (row) => row && entityFromRow(rows, row),
      ),
    );
  }

  /**
   * Records a new PENDING payment, the X-EXTERNAL-ID reserved for its DOKU request and its first
   * status change, in one statement (atomic, one round trip: this is the hot path). An id already
   * taken that Jakarta day inserts nothing and a new one is drawn. A taken partnerReferenceNo
   * throws DuplicateKeyError.
   */
  async create(
    input: NewPayment,
    drawExternalId: () => string,
    claim: Omit<ExternalIdClaim, 'purpose' | 'subjectId'>,
  ): Promise<PaymentEntity> {
    const id = randomUUID();
    const ipAddress = input.ipAddress ?? null;
    const orderTitle = input.orderTitle ?? null;
    const validUpTo = input.validUpTo ?? null;
    const pointOfInitiation = input.pointOfInitiation ?? null;
    const deepLink = input.deepLink ?? false;
    const idempotencyKey = input.idempotencyKey ?? null;
    for (let draw = 0; draw < MAX_EXTERNAL_ID_DRAWS; draw++) {
      const externalId = drawExternalId();
      let created: CreatedRow | undefined;
      try {
        created = await this.creates.run([
          id,
          claim.partnerId,
          claim.jakartaDay,
          externalId,
          input.partnerReferenceNo,
          input.channel,
          input.amountValue,
          input.currency,
          input.returnUrl,
          input.deviceId,
          ipAddress,
          orderTitle,
          validUpTo,
          pointOfInitiation,
          deepLink,
          input.requestBody,
          idempotencyKey,
        ]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateKeyError('partnerReferenceNo');
        throw err;
      }
      if (created) {
        // Every field written out, no spread: Node 20's V8 gives a literal that adds properties
        // after a spread a new hidden class on every call (~30 µs and ~7 KB here, measured), and
        // that garbage, made on every payment, drove the old generation's collections.
        return this.dataSource.getRepository(PaymentEntity).create({
          id,
          partnerReferenceNo: input.partnerReferenceNo,
          channel: input.channel,
          amountValue: input.amountValue,
          currency: input.currency,
          status: 'PENDING',
          returnUrl: input.returnUrl,
          deviceId: input.deviceId,
          ipAddress,
          orderTitle,
          validUpTo,
          pointOfInitiation,
          deepLink,
          externalId,
          requestBody: input.requestBody,
          redirectUrl: null,
          referenceNo: null,
          refundedAmount: '0.00',
          refundCommittedAmount: '0.00',
          failureCode: null,
          failureMessage: null,
          idempotencyKey,
          paidAt: null,
          lastStatusCheckAt: null,
          createdAt: created.created_at,
          updatedAt: created.updated_at,
        });
      }
    }
    throw new ExternalIdExhaustedError();
  }

  findById(id: string, withRefunds = false): Promise<PaymentEntity | null> {
    return this.dataSource.getRepository(PaymentEntity).findOne({
      where: { id },
      relations: withRefunds ? { refunds: true } : undefined,
      order: withRefunds ? { refunds: { createdAt: 'ASC' } } : undefined,
    });
  }

  findByPartnerReferenceNo(partnerReferenceNo: string): Promise<PaymentEntity | null> {
    return this.dataSource.getRepository(PaymentEntity).findOneBy({ partnerReferenceNo });
  }

  /** Keeps what DOKU answered to the payment request (redirect and reference). */
  async recordDokuAnswer(
    id: string,
    answer: { redirectUrl?: string | null; referenceNo?: string | null; externalId?: string },
  ): Promise<PaymentEntity> {
    const row: AnswerRow = [
      id,
      answer.redirectUrl || null,
      answer.referenceNo || null,
      answer.externalId || null,
    ];
    if (row.slice(1).every((field) => field === null))
      return this.dataSource.getRepository(PaymentEntity).findOneByOrFail({ id });
    // On every create: one round trip, shared with the answers that arrive meanwhile.
    const payment = await this.answers.run(row);
    if (!payment) throw new Error(`payment ${id} vanished`);
    return payment;
  }

  async markStatusChecked(id: string): Promise<void> {
    await this.dataSource
      .getRepository(PaymentEntity)
      .update({ id }, { lastStatusCheckAt: () => 'now()' });
  }

  /** Moves a payment's status under a row lock and records the change with its source. */
  changeStatus(id: string, change: StatusChange): Promise<StatusChangeResult> {
    return this.dataSource.transaction((manager) => this.changeStatusIn(manager, id, change));
  }

  /** The same, inside a caller's transaction (e.g. together with recording a notification). */
  async changeStatusIn(
    manager: EntityManager,
    id: string,
    change: StatusChange,
  ): Promise<StatusChangeResult> {
    const payment = await manager.findOne(PaymentEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!payment) throw new Error(`payment ${id} vanished`);
    const from = payment.status;
    if (!canMovePayment(from, change.to)) {
      return { payment, changed: false, from, conflict: from !== change.to && from !== 'PENDING' };
    }
    payment.status = change.to;
    if (change.referenceNo && !payment.referenceNo) payment.referenceNo = change.referenceNo;
    if (change.to === 'PAID') payment.paidAt = change.paidAt ?? new Date();
    if (change.failureCode !== undefined) payment.failureCode = change.failureCode;
    if (change.failureMessage !== undefined) payment.failureMessage = change.failureMessage;
    await manager.save(PaymentEntity, payment);
    await manager.insert(PaymentStatusChangeEntity, {
      paymentId: id,
      fromStatus: from,
      toStatus: change.to,
      source: change.source,
      detail: (change.detail ?? null) as PaymentStatusChangeEntity['detail'] & object,
    });
    return { payment, changed: true, from, conflict: false };
  }

  statusHistory(id: string): Promise<PaymentStatusChangeEntity[]> {
    return this.dataSource
      .getRepository(PaymentStatusChangeEntity)
      .find({ where: { paymentId: id }, order: { createdAt: 'ASC' } });
  }

  /**
   * PENDING payments created before `olderThan` whose status was not checked since `checkedBefore`,
   * oldest first, at most `limit`.
   */
  async findPendingForReconciliation(
    olderThan: Date,
    checkedBefore: Date,
    limit: number,
  ): Promise<PaymentEntity[]> {
    return this.dataSource
      .getRepository(PaymentEntity)
      .createQueryBuilder('p')
      .where(`p.status = 'PENDING'`)
      .andWhere('p.created_at < :olderThan', { olderThan })
      .andWhere('(p.last_status_check_at IS NULL OR p.last_status_check_at < :checkedBefore)', {
        checkedBefore,
      })
      .orderBy('p.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * Claims up to `limit` PENDING payments created at or before `createdBefore` and not claimed or
   * checked in the last `leaseMs`, stamping `last_status_check_at`: the stamp is a lease, and
   * another worker skips the payment until it runs out. Leases run on the database's clock, the
   * one clock every worker shares (markStatusChecked stamps with it too). SKIP LOCKED keeps two
   * concurrent claims from waiting on, or taking, the same rows. Never-checked payments first.
   */
  async claimForReconciliation(
    createdBefore: Date,
    leaseMs: number,
    limit: number,
  ): Promise<PaymentEntity[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE payments SET last_status_check_at = now()
       WHERE id IN (
         SELECT id FROM payments
         WHERE status = 'PENDING'
           AND created_at <= $1
           AND (last_status_check_at IS NULL OR last_status_check_at <= now() - make_interval(secs => $2))
         ORDER BY last_status_check_at ASC NULLS FIRST, created_at ASC
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       RETURNING id`,
      [createdBefore, leaseMs / 1000, limit],
    )) as [{ id: string }[], number];
    if (rows.length === 0) return [];
    return this.dataSource
      .getRepository(PaymentEntity)
      .createQueryBuilder('p')
      .where('p.id = ANY(:ids)', { ids: rows.map((r) => r.id) })
      .orderBy('p.created_at', 'ASC')
      .getMany();
  }
}
