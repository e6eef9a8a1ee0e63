import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import {
  NOT_IN_EVENT_SNAPSHOTS,
  PaymentEntity,
  PaymentStatus,
  PaymentStatusChangeEntity,
  StatusChangeSource,
} from '../entities';
import { DuplicateKeyError, ExternalIdExhaustedError, isUniqueViolation } from '../errors';
import {
  ANSWER_INPUT,
  CREATE_INPUT,
  PaymentAnswerItem,
  PaymentCreateItem,
  paymentStatements,
} from '../statements/payments.sql';
import { ExternalIdClaim } from './external-id.registry';
import { GroupCommit } from './group-commit';
import { runGrouped, runPrepared } from './prepared';
import { columnList, entityFromRow, keysetPage, olderThan, rowsInOrder, snapshotOf } from './rows';

/** Up to this many payments with a metadata pair, its list is read through the metadata index. */
const METADATA_FEW = 1_000;

/** Newest first: ISO times and uuids compare as text. */
const descending = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);

export interface NewPayment {
  partnerReferenceNo: string;
  channel: string;
  amountValue: string;
  currency: string;
  validUpTo?: string | null;
  /** What only this payment's channel takes, as its adapter stores it. */
  channelInput: Record<string, unknown>;
  /** The caller's own keys and values. */
  metadata?: Record<string, string>;
  /** The exact bytes that will be sent to DOKU. */
  requestBody: string;
  idempotencyKey?: string | null;
  /** How long its first submission to DOKU may take (see PaymentEntity.submittingUntil). */
  submitLeaseMs: number;
}

/** What a list of payments may be narrowed by. */
export interface PaymentFilter {
  status?: string;
  channel?: string;
  partnerReferenceNo?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Payments whose metadata holds these keys with these values. */
  metadata?: Record<string, string>;
  /** Only those a person must look at. */
  attention?: boolean;
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

export class PaymentsRepository {
  private readonly rows: Repository<PaymentEntity>;
  private readonly sql: ReturnType<typeof paymentStatements>;
  /** New payments, written together when they arrive together (the hot path of the API). */
  private readonly creates: GroupCommit<PaymentCreateItem, PaymentEntity | undefined>;
  /** DOKU's answers to payment requests, recorded together when they arrive together. */
  private readonly answers: GroupCommit<PaymentAnswerItem, PaymentEntity | undefined>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(PaymentEntity);
    this.sql = paymentStatements(
      (alias) => columnList(this.rows, alias),
      (alias) => snapshotOf(this.rows, alias, NOT_IN_EVENT_SNAPSHOTS),
    );
    this.creates = new GroupCommit(async (payments) =>
      (await runGrouped(this.dataSource, this.sql.create, CREATE_INPUT, payments)).map(
        (row) => row && entityFromRow(this.rows, row),
      ),
    );
    this.answers = new GroupCommit(async (answers) =>
      (await runGrouped(this.dataSource, this.sql.recordAnswers, ANSWER_INPUT, answers)).map(
        (row) => row && entityFromRow(this.rows, row),
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
    const channelInput = JSON.stringify(input.channelInput);
    for (let draw = 0; draw < MAX_EXTERNAL_ID_DRAWS; draw++) {
      let created: PaymentEntity | undefined;
      try {
        // Every field written out, no spread: Node 20's V8 gives a literal that adds properties
        // after a spread a new hidden class on every call (~30 µs and ~7 KB, measured).
        created = await this.creates.run({
          id,
          partnerId: claim.partnerId,
          jakartaDay: claim.jakartaDay,
          externalId: drawExternalId(),
          partnerReferenceNo: input.partnerReferenceNo,
          channel: input.channel,
          amountValue: input.amountValue,
          currency: input.currency,
          validUpTo: input.validUpTo ?? null,
          channelInput,
          metadata: input.metadata ? JSON.stringify(input.metadata) : '{}',
          requestBody: input.requestBody,
          idempotencyKey: input.idempotencyKey ?? null,
          submitLeaseMs: input.submitLeaseMs,
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateKeyError('partnerReferenceNo');
        throw err;
      }
      if (created) return created;
    }
    throw new ExternalIdExhaustedError();
  }

  findById(id: string, withRefunds = false): Promise<PaymentEntity | null> {
    return this.rows.findOne({
      where: { id },
      relations: withRefunds ? { refunds: true } : undefined,
      order: withRefunds ? { refunds: { createdAt: 'ASC' } } : undefined,
    });
  }

  findByPartnerReferenceNo(partnerReferenceNo: string): Promise<PaymentEntity | null> {
    return this.rows.findOneBy({ partnerReferenceNo });
  }

  /** The payment paid into a virtual account, by its number as DOKU writes it (BIN space-padded). */
  async findByVirtualAccountNo(virtualAccountNo: string): Promise<PaymentEntity | null> {
    return this.rows
      .createQueryBuilder('p')
      .where(`p.channel_input ? 'virtualAccountNo'`)
      .andWhere(`p.channel_input->>'virtualAccountNo' = :virtualAccountNo`, { virtualAccountNo })
      .getOne();
  }

  /**
   * `count` customer numbers no payment had before, from one database sequence: unique across
   * replicas and restarts, never handed out twice (one not used is skipped, never reused).
   */
  async drawAccountCustomerNos(count: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT nextval('payment_account_customer_no_seq')::text AS n FROM generate_series(1, $1)`,
      [count],
    )) as { n: string }[];
    return rows.map((r) => r.n);
  }

  /** The submission left DOKU's outcome open: a retry of the same order may resume it now. */
  async endSubmission(id: string): Promise<void> {
    await this.rows.update({ id }, { submittingUntil: () => 'now()' });
  }

  /** Keeps what DOKU answered to the payment request (redirect and reference). */
  async recordDokuAnswer(
    id: string,
    answer: {
      redirectUrl?: string | null;
      referenceNo?: string | null;
      externalId?: string;
      instructions?: Record<string, unknown> | null;
    },
  ): Promise<PaymentEntity> {
    const item: PaymentAnswerItem = {
      id,
      redirectUrl: answer.redirectUrl || null,
      referenceNo: answer.referenceNo || null,
      externalId: answer.externalId || null,
      instructions: answer.instructions ? JSON.stringify(answer.instructions) : null,
    };
    if (
      item.redirectUrl === null &&
      item.referenceNo === null &&
      item.externalId === null &&
      item.instructions === null
    )
      return this.rows.findOneByOrFail({ id });
    // On every create: one round trip, shared with the answers that arrive meanwhile.
    const payment = await this.answers.run(item);
    if (!payment) throw new Error(`payment ${id} vanished`);
    return payment;
  }

  /**
   * Stamps the status check (reconciliation's lease) and, when DOKU answered, what it said: its
   * response code and the transaction status it reported.
   */
  async markStatusChecked(
    id: string,
    answer?: { responseCode: string | null; transactionStatus: string | null },
  ): Promise<void> {
    if (!answer) {
      await this.rows.update({ id }, { lastStatusCheckAt: () => 'now()' });
      return;
    }
    await this.dataSource.query(
      `UPDATE payments SET last_status_check_at = now(),
         last_status_check = jsonb_build_object('responseCode', $2::text, 'transactionStatus', $3::text,
           'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       WHERE id = $1`,
      [id, answer.responseCode, answer.transactionStatus],
    );
  }

  /**
   * A payment the books closed becomes PAID (DOKU took the money and it is accepted), with its
   * history row. Undefined when it was not closed (PAID already, or PENDING: a plain change).
   */
  async reopenAsPaid(
    id: string,
    change: {
      source: StatusChangeSource;
      detail: Record<string, unknown>;
      paidAt?: Date | null;
      referenceNo?: string | null;
    },
    manager?: EntityManager,
  ): Promise<PaymentEntity | undefined> {
    const [row] = await this.runIn(manager, this.sql.reopenAsPaid, [
      id,
      change.paidAt ?? null,
      change.referenceNo || null,
      change.source,
      JSON.stringify(change.detail),
    ]);
    return row && entityFromRow(this.rows, row);
  }

  /** Marks the payment for a person's attention; `dokuPaidAmount` what DOKU reports paid. */
  async markAttention(
    id: string,
    reason: string,
    detail: Record<string, unknown>,
    dokuPaidAmount: string | null,
    manager?: EntityManager,
  ): Promise<PaymentEntity> {
    const [row] = await this.runIn(manager, this.sql.markAttention, [
      id,
      reason,
      JSON.stringify(detail),
      dokuPaidAmount,
    ]);
    if (!row) throw new Error(`payment ${id} vanished`);
    return entityFromRow(this.rows, row);
  }

  /** Clears the mark with `resolution` (who, why, what); undefined when there was none. */
  async resolveAttention(
    id: string,
    resolution: Record<string, unknown>,
    manager?: EntityManager,
  ): Promise<PaymentEntity | undefined> {
    const [row] = await this.runIn(manager, this.sql.resolveAttention, [
      id,
      JSON.stringify(resolution),
    ]);
    return row && entityFromRow(this.rows, row);
  }

  /**
   * Payments matching `filter`, newest first, `limit` at most, after the payment `after` (a keyset
   * on created_at and id: a payment inserted meanwhile never shifts a page).
   */
  async list(
    filter: PaymentFilter,
    after: string | undefined,
    limit: number,
  ): Promise<PaymentEntity[]> {
    const q = this.filtered(filter);
    if (filter.metadata) {
      const few = await this.fewByMetadata(q.clone(), after, limit);
      if (few) return few;
    }
    return keysetPage(this.rows, q, 'p', after, limit);
  }

  /**
   * A page of a metadata list whose pair names at most METADATA_FEW payments (a customer's, an
   * order's), or undefined when it names more. The planner cannot tell the two apart from its
   * statistics: a pair it guesses common (10,073 of 1,000,000 for some pairs that had 100) is
   * looked for by walking the newest-first index, through the whole table when the pair has less
   * than a page (measured: 0.5-1.2 s, against 1-7 ms through the metadata index). So
   * the matches are read through the metadata index first, ordered here, and their page fetched
   * by id; past METADATA_FEW the pair is common and the walk soon finds a page.
   */
  private async fewByMetadata(
    q: SelectQueryBuilder<PaymentEntity>,
    after: string | undefined,
    limit: number,
  ): Promise<PaymentEntity[] | undefined> {
    const matches = await olderThan(this.rows, q, 'p', after)
      .select('p.id', 'id')
      .addSelect(`to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`, 'at')
      .limit(METADATA_FEW + 1)
      .getRawMany<{ id: string; at: string }>();
    if (matches.length > METADATA_FEW) return undefined;
    const ids = matches
      .sort((a, b) => (a.at === b.at ? descending(a.id, b.id) : descending(a.at, b.at)))
      .slice(0, limit)
      .map((m) => m.id);
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT ${columnList(this.rows, 'p')} FROM payments p WHERE p.id = ANY($1::uuid[])`,
      [ids],
    )) as Record<string, unknown>[];
    return rowsInOrder(ids, rows).flatMap((row) => (row ? [entityFromRow(this.rows, row)] : []));
  }

  /** Payments matching `filter`, unordered. */
  private filtered(filter: PaymentFilter): SelectQueryBuilder<PaymentEntity> {
    const q = this.rows.createQueryBuilder('p');
    if (filter.status) q.andWhere('p.status = :status', { status: filter.status });
    if (filter.channel) q.andWhere('p.channel = :channel', { channel: filter.channel });
    if (filter.partnerReferenceNo)
      q.andWhere('p.partner_reference_no = :ref', { ref: filter.partnerReferenceNo });
    if (filter.createdFrom) q.andWhere('p.created_at >= :from', { from: filter.createdFrom });
    if (filter.createdTo) q.andWhere('p.created_at < :to', { to: filter.createdTo });
    if (filter.metadata)
      q.andWhere('p.metadata @> :metadata::jsonb', { metadata: JSON.stringify(filter.metadata) });
    if (filter.attention) q.andWhere('p.attention_reason IS NOT NULL');
    return q;
  }

  /** A statement inside the caller's transaction, or prepared on the pool. */
  private async runIn(
    manager: EntityManager | undefined,
    statement: { name: string; text: string },
    values: unknown[],
  ): Promise<Record<string, unknown>[]> {
    return manager
      ? ((await manager.query(statement.text, values)) as Record<string, unknown>[])
      : runPrepared(this.dataSource, statement, values);
  }

  /** Moves a payment's status and records the change with its source, in one statement. */
  async changeStatus(id: string, change: StatusChange): Promise<StatusChangeResult> {
    return this.statusChanged(
      id,
      change,
      await this.runIn(undefined, this.sql.changeStatus, changeParams(id, change)),
    );
  }

  /** The same, inside a caller's transaction (e.g. together with recording a notification). */
  async changeStatusIn(
    manager: EntityManager,
    id: string,
    change: StatusChange,
  ): Promise<StatusChangeResult> {
    return this.statusChanged(
      id,
      change,
      await this.runIn(manager, this.sql.changeStatus, changeParams(id, change)),
    );
  }

  private statusChanged(
    id: string,
    change: StatusChange,
    [row]: Record<string, unknown>[],
  ): StatusChangeResult {
    if (!row) throw new Error(`payment ${id} vanished`);
    const from = row.was as PaymentStatus;
    const changed = row.changed === true;
    return {
      payment: entityFromRow(this.rows, row),
      changed,
      from,
      conflict: !changed && from !== change.to && from !== 'PENDING',
    };
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
    return this.rows
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
   * one clock every worker shares (markStatusChecked stamps with it too).
   */
  /**
   * Open payments of `channels` with what the customer needs already given (a QR), that nobody
   * asked DOKU about for `quietMs` (or ever, and made that long ago): for the QR sweeper.
   */
  async quietOpenPayments(
    channels: readonly string[],
    quietMs: number,
    limit: number,
  ): Promise<{ id: string; createdAt: Date; quietSince: Date }[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, created_at, coalesce(last_status_check_at, created_at) AS quiet_since FROM payments
        WHERE status = 'PENDING' AND channel = ANY($1::text[]) AND instructions IS NOT NULL
          AND coalesce(last_status_check_at, created_at) < now() - make_interval(secs => $2 / 1000.0)
        ORDER BY created_at LIMIT $3`,
      [channels, quietMs, limit],
    )) as { id: string; created_at: Date; quiet_since: Date }[];
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, quietSince: r.quiet_since }));
  }

  async claimForReconciliation(
    createdBefore: Date,
    leaseMs: number,
    limit: number,
  ): Promise<PaymentEntity[]> {
    const rows = await runPrepared<{ id: string }>(
      this.dataSource,
      this.sql.claimForReconciliation,
      [createdBefore, leaseMs / 1000, limit],
    );
    if (rows.length === 0) return [];
    return this.rows
      .createQueryBuilder('p')
      .where('p.id = ANY(:ids)', { ids: rows.map((r) => r.id) })
      .orderBy('p.created_at', 'ASC')
      .getMany();
  }
}

function changeParams(id: string, change: StatusChange): unknown[] {
  const setsFailure = change.failureCode !== undefined || change.failureMessage !== undefined;
  return [
    id,
    change.to,
    change.referenceNo || null,
    change.paidAt ?? null,
    setsFailure,
    change.failureCode ?? null,
    change.failureMessage ?? null,
    change.source,
    change.detail ? JSON.stringify(change.detail) : null,
  ];
}
