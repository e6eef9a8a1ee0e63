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
import { PreparedStatement, runPrepared } from './prepared';
import { columnList, entityFromRow } from './rows';

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

/** Data-modifying CTEs all run, in one snapshot: the id, the payment and its history row, or nothing. */
const CREATE_PAYMENT: PreparedStatement = {
  name: 'payment-create',
  text: `
WITH ext AS (
  INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose, subject_id)
  VALUES ($1, $2, $3, 'payment', $4)
  ON CONFLICT DO NOTHING
  RETURNING external_id
), pay AS (
  INSERT INTO payments (id, partner_reference_no, channel, amount_value, currency, status, return_url,
    device_id, ip_address, order_title, valid_up_to, point_of_initiation, deep_link, external_id,
    request_body, idempotency_key)
  SELECT $4, $5, $6, $7, $8, 'PENDING', $9, $10, $11, $12, $13, $14, $15, ext.external_id, $16, $17
  FROM ext
  RETURNING id, created_at, updated_at
), change AS (
  INSERT INTO payment_status_changes (payment_id, from_status, to_status, source)
  SELECT id, NULL, 'PENDING', 'api' FROM pay
)
SELECT created_at, updated_at FROM pay`,
};

export class PaymentsRepository {
  /** What DOKU answered: only the fields it gave replace what is stored. */
  private readonly recordAnswer: PreparedStatement;

  constructor(private readonly dataSource: DataSource) {
    this.recordAnswer = {
      name: 'payment-record-doku-answer',
      text: `UPDATE payments SET redirect_url = coalesce($2, redirect_url),
  reference_no = coalesce($3, reference_no), external_id = coalesce($4, external_id),
  updated_at = now()
WHERE id = $1
RETURNING ${columnList(dataSource.getRepository(PaymentEntity))}`,
    };
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
    const fields = {
      ...input,
      ipAddress: input.ipAddress ?? null,
      orderTitle: input.orderTitle ?? null,
      validUpTo: input.validUpTo ?? null,
      pointOfInitiation: input.pointOfInitiation ?? null,
      deepLink: input.deepLink ?? false,
      idempotencyKey: input.idempotencyKey ?? null,
    };
    for (let draw = 0; draw < MAX_EXTERNAL_ID_DRAWS; draw++) {
      const externalId = drawExternalId();
      let rows: { created_at: Date; updated_at: Date }[];
      try {
        rows = await runPrepared(this.dataSource, CREATE_PAYMENT, [
          claim.partnerId,
          claim.jakartaDay,
          externalId,
          id,
          fields.partnerReferenceNo,
          fields.channel,
          fields.amountValue,
          fields.currency,
          fields.returnUrl,
          fields.deviceId,
          fields.ipAddress,
          fields.orderTitle,
          fields.validUpTo,
          fields.pointOfInitiation,
          fields.deepLink,
          fields.requestBody,
          fields.idempotencyKey,
        ]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateKeyError('partnerReferenceNo');
        throw err;
      }
      if (rows.length === 1) {
        return this.dataSource.getRepository(PaymentEntity).create({
          ...fields,
          id,
          status: 'PENDING',
          externalId,
          refundedAmount: '0.00',
          redirectUrl: null,
          referenceNo: null,
          failureCode: null,
          failureMessage: null,
          paidAt: null,
          lastStatusCheckAt: null,
          createdAt: rows[0].created_at,
          updatedAt: rows[0].updated_at,
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
    const patch: Partial<PaymentEntity> = {};
    if (answer.redirectUrl) patch.redirectUrl = answer.redirectUrl;
    if (answer.referenceNo) patch.referenceNo = answer.referenceNo;
    if (answer.externalId) patch.externalId = answer.externalId;
    const repository = this.dataSource.getRepository(PaymentEntity);
    if (Object.keys(patch).length === 0) return repository.findOneByOrFail({ id });
    // One round trip, prepared: the updated row comes back with the UPDATE (on every create).
    const [row] = await runPrepared(this.dataSource, this.recordAnswer, [
      id,
      patch.redirectUrl ?? null,
      patch.referenceNo ?? null,
      patch.externalId ?? null,
    ]);
    if (!row) throw new Error(`payment ${id} vanished`);
    return entityFromRow(repository, row);
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
