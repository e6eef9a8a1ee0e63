import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import {
  DuplicateKeyError,
  ExternalIdRegistry,
  OutboxRepository,
  PaymentsRepository,
  RefundsRepository,
} from '@app/persistence';
import {
  RefundAcceptance,
  RefundRefusedError,
} from '../apps/payments/src/refunds/refund-acceptance';
import { RefundClaims } from '../apps/payments/src/refunds/refund-claims';
import { claim, drawId, newPayment } from '../libs/persistence/test/support/payments';
import { createTestDatabase, TestDatabase } from './support/database';
import { waitFor } from './support/wait';

/**
 * Refunds as PostgreSQL keeps them: the repository's statements driven by the refunds feature's
 * accept and claim rounds, on a real database (races, group commits, settlements).
 */
let db: TestDatabase;
let ds: DataSource;
let externalIds: ExternalIdRegistry;
let payments: PaymentsRepository;
let refunds: RefundsRepository;
let acceptance: RefundAcceptance;
let refundClaims: RefundClaims;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  externalIds = new ExternalIdRegistry(ds);
  payments = new PaymentsRepository(ds);
  refunds = new RefundsRepository(ds);
  acceptance = new RefundAcceptance(refunds);
  refundClaims = new RefundClaims(refunds);
});
afterAll(() => db?.drop());

describe('refunds', () => {
  const outbox = { queue: 'refunds', name: 'refund', jobId: (id: string) => `refund-${id}` };
  let refundSeq = 0;
  const newRefund = (paymentId: string, amountValue: string) => ({
    paymentId,
    amountValue,
    currency: 'IDR',
    partnerRefundNo: `RF-${Date.now()}-${refundSeq++}`,
  });
  const paidPayment = async (amountValue: string) => {
    const p = await payments.create(newPayment({ amountValue }), drawId, claim);
    await payments.changeStatus(p.id, { to: 'PAID', source: 'notification' });
    return p;
  };
  const prepare = () => '{"refund":"bytes"}';
  const refundedAmount = async (paymentId: string) =>
    (await payments.findById(paymentId))!.refundedAmount;

  it('accepts a refund with its outbox job in one transaction, and refuses what is not refundable', async () => {
    const p = await paidPayment('3000.00');
    const { refund, outboxJobId } = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    expect(refund).toMatchObject({ paymentId: p.id, amountValue: '1000.00', status: 'PENDING' });
    expect(refund.createdAt).toBeInstanceOf(Date);
    expect(
      await ds.query(`SELECT job_id, data FROM outbox_jobs WHERE id = $1`, [outboxJobId]),
    ).toEqual([{ job_id: `refund-${refund.id}`, data: { refundId: refund.id } }]);
    await expect(acceptance.accept(newRefund(p.id, '2000.01'), outbox)).rejects.toMatchObject({
      reason: 'EXCEEDS_REFUNDABLE',
      refundable: '2000.00',
    });
    await expect(
      acceptance.accept(
        { ...newRefund(p.id, '1.00'), partnerRefundNo: refund.partnerRefundNo },
        outbox,
      ),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
    const pending = await payments.create(newPayment(), drawId, claim);
    await expect(acceptance.accept(newRefund(pending.id, '1.00'), outbox)).rejects.toMatchObject({
      reason: 'PAYMENT_NOT_PAID',
    });
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM outbox_jobs WHERE data->>'refundId' IN (SELECT id::text FROM refunds WHERE payment_id = $1)`,
      [p.id],
    );
    expect(n).toBe(1);
  });

  it('the outbox relay leaves a job its request may still be enqueueing, and relays an older one', async () => {
    const outboxRows = new OutboxRepository(ds);
    const p = await paidPayment('2000.00');
    const young = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    const old = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    await ds.query(
      `UPDATE outbox_jobs SET created_at = now() - interval '10 seconds' WHERE id = $1`,
      [old.outboxJobId],
    );
    const relayed: string[] = [];
    await outboxRows.relay(100, 5_000, async (job) => {
      relayed.push(job.id);
    });
    expect(relayed).toContain(old.outboxJobId);
    expect(relayed).not.toContain(young.outboxJobId);
    const dispatched = await ds.query(
      `SELECT id FROM outbox_jobs WHERE id = ANY($1) AND dispatched_at IS NOT NULL`,
      [[young.outboxJobId, old.outboxJobId]],
    );
    expect(dispatched).toEqual([{ id: old.outboxJobId }]);
  });

  it('outbox marks made together are written together, and each is written', async () => {
    const outboxRows = new OutboxRepository(ds);
    const p = await paidPayment('20000.00');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((await acceptance.accept(newRefund(p.id, '1000.00'), outbox)).outboxJobId);
    await Promise.all(ids.map((id) => outboxRows.markDispatched(id)));
    const [{ marked, statements }] = await ds.query(
      `SELECT count(*)::int AS marked, count(DISTINCT dispatched_at)::int AS statements
         FROM outbox_jobs WHERE id = ANY($1) AND dispatched_at IS NOT NULL`,
      [ids],
    );
    // The first goes at once; the 19 made while it was in flight go as one statement (one now()).
    expect({ marked, statements }).toEqual({ marked: 20, statements: 2 });
  });

  it('accepts arriving together are written together, never two of one payment in one statement', async () => {
    const paid = await Promise.all(Array.from({ length: 10 }, () => paidPayment('2000.00')));
    const burst = paid.flatMap((p) => [newRefund(p.id, '1000.00'), newRefund(p.id, '1000.00')]);
    const accepted = await Promise.all(burst.map((r) => acceptance.accept(r, outbox)));
    expect(accepted.map((a) => a.refund.status)).toEqual(burst.map(() => 'PENDING'));
    const [{ statements }] = await ds.query(
      `SELECT count(DISTINCT created_at)::int AS statements FROM refunds WHERE id = ANY($1)`,
      [accepted.map((a) => a.refund.id)],
    );
    // The first alone; then each payment's first refund with the second of the first payment;
    // then the other second refunds.
    expect(statements).toBe(3);
    for (const p of paid)
      expect((await payments.findById(p.id))!.refundCommittedAmount).toBe('2000.00');
  });

  it('a duplicate partnerRefundNo in a burst fails alone', async () => {
    const first = await acceptance.accept(
      newRefund((await paidPayment('1000.00')).id, '1.00'),
      outbox,
    );
    const paid = await Promise.all(Array.from({ length: 5 }, () => paidPayment('1000.00')));
    const burst = paid.map((p, i) =>
      i === 2
        ? { ...newRefund(p.id, '1.00'), partnerRefundNo: first.refund.partnerRefundNo }
        : newRefund(p.id, '1.00'),
    );
    const results = await Promise.allSettled(burst.map((r) => acceptance.accept(r, outbox)));
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKeyError);
  });

  it('a duplicate partnerRefundNo arriving while its first refund is settled is refused as one, not lost to a deadlock', async () => {
    const p = await paidPayment('3000.00');
    const first = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    // A settlement's order: the refund row, then the payment row.
    const settlement = ds.createQueryRunner();
    await settlement.connect();
    try {
      await settlement.startTransaction();
      await settlement.query(`UPDATE refunds SET updated_at = now() WHERE id = $1`, [
        first.refund.id,
      ]);
      const duplicate = acceptance
        .accept(
          { ...newRefund(p.id, '1.00'), partnerRefundNo: first.refund.partnerRefundNo },
          outbox,
        )
        .then(
          () => 'accepted',
          (err: unknown) => err,
        );
      // The accept holds the payment and waits for the refund's settlement at its insert.
      await waitFor(async () => {
        const [{ n }] = await ds.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return n > 0 ? true : undefined;
      });
      // The settlement now wants the payment: PostgreSQL aborts one of the two.
      await settlement.query(`UPDATE payments SET updated_at = now() WHERE id = $1`, [p.id]);
      await settlement.commitTransaction();
      expect(await duplicate).toBeInstanceOf(DuplicateKeyError);
    } finally {
      if (settlement.isTransactionActive) await settlement.rollbackTransaction();
      await settlement.release();
    }
    expect((await payments.findById(p.id))!.refundCommittedAmount).toBe('1000.00');
  });

  it('12 concurrent refunds of 1,000 on a 9,000 payment: exactly 9 accepted', async () => {
    const p = await paidPayment('9000.00');
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => acceptance.accept(newRefund(p.id, '1000.00'), outbox)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RefundRefusedError);
  });

  it('concurrent claims fix one request: the same bytes and X-EXTERNAL-ID, every claim counted', async () => {
    const p = await paidPayment('1000.00');
    const { refund } = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => refundClaims.claim(refund.id, prepare, drawId, claim)),
    );
    const ids = new Set(
      claims.map((c) => (c?.state === 'processing' ? c.refund.externalId : null)),
    );
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^\d+$/);
    expect(claims.filter((c) => c?.state === 'processing' && !c.resumed)).toHaveLength(1);
    for (const c of claims) {
      expect(c).toMatchObject({ state: 'processing', refund: { requestBody: prepare() } });
      if (c?.state === 'processing')
        expect(c.payment.partnerReferenceNo).toBe(p.partnerReferenceNo);
    }
    expect((await refunds.findById(refund.id))!.attempts).toBe(5);
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM external_ids WHERE subject_id = $1 AND external_id = $2`,
      [refund.id, [...ids][0]],
    );
    expect(n).toBe(1);
  });

  it('a request fixed at accept time is what every claim sends; the first claim is not resumed, later ones are', async () => {
    const p = await paidPayment('1000.00');
    const accepted = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    expect(accepted.payment).toEqual({
      partnerReferenceNo: p.partnerReferenceNo,
      externalId: p.externalId,
      channel: 'DANA',
      referenceNo: p.referenceNo,
      channelInput: p.channelInput,
    });
    const externalId = drawId();
    expect(
      await refunds.fixRequest(accepted.refund.id, '{"fixed":"at accept"}', externalId, claim),
    ).toBe(true);
    const unused = () => {
      throw new Error('a fixed request is never prepared again');
    };
    const first = await refundClaims.claim(accepted.refund.id, unused, drawId, claim);
    const second = await refundClaims.claim(accepted.refund.id, unused, drawId, claim);
    for (const c of [first, second])
      expect(c).toMatchObject({
        state: 'processing',
        refund: { requestBody: '{"fixed":"at accept"}', externalId, status: 'PROCESSING' },
        payment: {
          partnerReferenceNo: p.partnerReferenceNo,
          channelInput: { deviceId: 'device1' },
        },
      });
    expect([first, second].map((c) => c?.state === 'processing' && c.resumed)).toEqual([
      false,
      true,
    ]);
    expect((await refunds.findById(accepted.refund.id))!.attempts).toBe(2);
  });

  it('a request a worker fixed first keeps its bytes and X-EXTERNAL-ID', async () => {
    const p = await paidPayment('1000.00');
    const { refund } = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    const claimed = await refundClaims.claim(refund.id, prepare, drawId, claim);
    expect(await refunds.fixRequest(refund.id, '{"late":"fix"}', drawId(), claim)).toBe(false);
    expect(await refunds.findById(refund.id)).toMatchObject({
      requestBody: prepare(),
      externalId: claimed?.state === 'processing' ? claimed.refund.externalId : 'none',
    });
  });

  it('a claim draws another X-EXTERNAL-ID when the drawn one is taken that day', async () => {
    const p = await paidPayment('1000.00');
    const { refund } = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    await externalIds.tryReserve('777000', { ...claim, purpose: 'payment' });
    const draws = ['777000', '777001'];
    const c = await refundClaims.claim(refund.id, prepare, () => draws.shift()!, claim);
    expect(c).toMatchObject({
      state: 'processing',
      refund: { externalId: '777001', status: 'PROCESSING' },
    });
  });

  it('settles once however many settle concurrently; the payment counts the amount once', async () => {
    const p = await paidPayment('5000.00');
    const { refund } = await acceptance.accept(newRefund(p.id, '2000.00'), outbox);
    await refundClaims.claim(refund.id, prepare, drawId, claim);
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => refunds.markSucceeded(refund.id, 'DOKU-RF-1')),
      refunds.markFailed(refund.id, '4035815', 'Transaction Not Permitted'),
    ]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const final = (await refunds.findById(refund.id))!;
    for (const r of results) expect(r.refund.status).toBe(final.status);
    expect(final.completedAt).toBeInstanceOf(Date);
    expect(await refundedAmount(p.id)).toBe(final.status === 'SUCCEEDED' ? '2000.00' : '0.00');
    expect(await refundClaims.claim(refund.id, prepare, drawId, claim)).toMatchObject({
      state: 'final',
    });
  });

  it('claims and settlements made together are written together; two refunds of one payment both count', async () => {
    const paid = await Promise.all([paidPayment('5000.00'), paidPayment('5000.00')]);
    const ids: string[] = [];
    for (const p of paid)
      for (const value of ['1000.00', '1500.00']) {
        const { refund, payment } = await acceptance.accept(newRefund(p.id, value), outbox);
        await refunds.fixRequest(
          refund.id,
          `{"for":"${payment.partnerReferenceNo}"}`,
          drawId(),
          claim,
        );
        ids.push(refund.id);
      }
    const claims = await Promise.all(
      ids.map((id) => refundClaims.claim(id, prepare, drawId, claim)),
    );
    expect(claims.map((c) => c?.state === 'processing' && !c.resumed)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const settled = await Promise.all(ids.map((id) => refunds.markSucceeded(id, `NO-${id}`)));
    expect(settled.map((r) => r.changed)).toEqual([true, true, true, true]);
    for (const p of paid) expect(await refundedAmount(p.id)).toBe('2500.00');
    const [{ claimStatements, settleStatements }] = await ds.query(
      `SELECT count(DISTINCT processing_started_at)::int AS "claimStatements",
              count(DISTINCT completed_at)::int AS "settleStatements"
         FROM refunds WHERE id = ANY($1)`,
      [ids],
    );
    // The first of each alone, the three made while it was in flight together.
    expect({ claimStatements, settleStatements }).toEqual({
      claimStatements: 2,
      settleStatements: 2,
    });
  });

  it('prepared statements keep working after a migration adds a column (rolling deploys)', async () => {
    const p = await paidPayment('100.00');
    const accept = () => acceptance.accept(newRefund(p.id, '1.00'), outbox);
    // Enough at once to prepare the statements on every pooled connection.
    const first = await Promise.all(Array.from({ length: 20 }, accept));
    await ds.query(`ALTER TABLE refunds ADD COLUMN added_later text`);
    await ds.query(`ALTER TABLE payments ADD COLUMN added_later text`);
    try {
      const later = await Promise.all(Array.from({ length: 20 }, accept));
      for (const { refund } of later)
        expect(await refundClaims.claim(refund.id, prepare, drawId, claim)).toMatchObject({
          state: 'processing',
        });
      expect((await refunds.markSucceeded(first[0].refund.id, 'R')).changed).toBe(true);
    } finally {
      await ds.query(`ALTER TABLE refunds DROP COLUMN added_later`);
      await ds.query(`ALTER TABLE payments DROP COLUMN added_later`);
    }
  });

  it('a FAILED refund gives its amount back to what is refundable', async () => {
    const p = await paidPayment('1000.00');
    const { refund } = await acceptance.accept(newRefund(p.id, '1000.00'), outbox);
    const failed = await refunds.markFailed(refund.id, '4035815', null);
    expect(failed).toMatchObject({
      changed: true,
      refund: { status: 'FAILED', failureCode: '4035815' },
    });
    expect((await refunds.markSucceeded(refund.id, 'late')).changed).toBe(false);
    expect(await refundedAmount(p.id)).toBe('0.00');
    await expect(acceptance.accept(newRefund(p.id, '1000.00'), outbox)).resolves.toBeDefined();
  });
});

describe('refund status history', () => {
  const outbox = { queue: 'refunds', name: 'refund', jobId: (id: string) => `refund-${id}` };
  const prepare = () => '{"refund":"bytes"}';
  let n = 0;
  const accepted = async () => {
    const p = await payments.create(newPayment({ amountValue: '1000.00' }), drawId, claim);
    await payments.changeStatus(p.id, { to: 'PAID', source: 'notification' });
    return acceptance.accept(
      { paymentId: p.id, amountValue: '400.00', currency: 'IDR', partnerRefundNo: `RH-${n++}` },
      outbox,
    );
  };
  const history = async (id: string) =>
    (await refunds.statusHistory(id)).map((c) => [c.fromStatus, c.toStatus, c.source, c.detail]);

  it('records each change with what made it, in the statement that made it; a resend adds none', async () => {
    const { refund } = await accepted();
    await refundClaims.claim(refund.id, prepare, drawId, claim);
    await refundClaims.claim(refund.id, prepare, drawId, claim);
    await refunds.markSucceeded(refund.id, 'DOKU-RF-9');
    await refunds.markSucceeded(refund.id, 'DOKU-RF-9');
    expect(await history(refund.id)).toEqual([
      [null, 'PENDING', 'api', null],
      ['PENDING', 'PROCESSING', 'worker', null],
      ['PROCESSING', 'SUCCEEDED', 'doku_refund', { refundNo: 'DOKU-RF-9' }],
    ]);
  });

  it("a request fixed at accept, claimed in one statement, then found done in DOKU's history", async () => {
    const { refund } = await accepted();
    await refunds.fixRequest(refund.id, '{"fixed":1}', drawId(), claim);
    await refundClaims.claim(refund.id, prepare, drawId, claim);
    await refunds.markSucceeded(refund.id, null, 'doku_status');
    expect(await history(refund.id)).toEqual([
      [null, 'PENDING', 'api', null],
      ['PENDING', 'PROCESSING', 'worker', null],
      ['PROCESSING', 'SUCCEEDED', 'doku_status', {}],
    ]);
  });

  it("a refusal records DOKU's code", async () => {
    const { refund } = await accepted();
    await refundClaims.claim(refund.id, prepare, drawId, claim);
    await refunds.markFailed(refund.id, '4045813', 'Invalid Amount');
    expect((await history(refund.id)).at(-1)).toEqual([
      'PROCESSING',
      'FAILED',
      'doku_refund',
      { failureCode: '4045813' },
    ]);
  });
});
