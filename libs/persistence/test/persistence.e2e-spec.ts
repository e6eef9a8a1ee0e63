import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource, MigrationInterface } from 'typeorm';
import {
  createDataSource,
  DuplicateKeyError,
  ExternalIdRegistry,
  IdempotencyRepository,
  MIGRATIONS,
  NewPayment,
  OutboxRepository,
  PaymentsRepository,
  RefundRefusedError,
  RefundsRepository,
  runMigrations,
} from '@app/persistence';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';

let db: TestDatabase;
let ds: DataSource;
let externalIds: ExternalIdRegistry;
let payments: PaymentsRepository;
let refunds: RefundsRepository;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  externalIds = new ExternalIdRegistry(ds);
  payments = new PaymentsRepository(ds);
  refunds = new RefundsRepository(ds);
});
afterAll(() => db?.drop());

let seq = 0;
const newPayment = (over: Partial<NewPayment> = {}): NewPayment => ({
  partnerReferenceNo: `INV-${Date.now()}-${seq++}`,
  channel: 'DANA',
  amountValue: '15000.00',
  currency: 'IDR',
  returnUrl: 'https://merchant.example/return',
  deviceId: 'device1',
  requestBody: '{}',
  ...over,
});
let idSeq = 0;
const drawId = () => String(1_000_000_000 + idSeq++);
const claim = { partnerId: 'BRN-TEST', jakartaDay: '2026-11-24' };

describe('migrations', () => {
  it('leave nothing for the schema builder to change (entities and migrations agree)', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('backfill the committed refund amount of payments refunded before it existed', async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      const [initial, committedAmount] = MIGRATIONS.map(
        (m) => new (m as new () => MigrationInterface)(),
      );
      const runner = old.dataSource.createQueryRunner();
      await initial.up(runner);
      await runner.query(
        `INSERT INTO payments (id, partner_reference_no, channel, amount_value, currency, status, return_url, device_id, external_id, request_body, refunded_amount)
         VALUES ('00000000-0000-4000-8000-000000000001', 'INV-OLD', 'DANA', 5000, 'IDR', 'PAID', 'https://x.example', 'd', '1', '{}', 1000)`,
      );
      for (const [no, amount, status] of [
        ['RF-1', 1000, 'SUCCEEDED'],
        ['RF-2', 1500, 'PENDING'],
        ['RF-3', 2500, 'FAILED'],
      ])
        await runner.query(
          `INSERT INTO refunds (payment_id, partner_refund_no, amount_value, currency, status) VALUES ('00000000-0000-4000-8000-000000000001', $1, $2, 'IDR', $3)`,
          [no, amount, status],
        );
      await committedAmount.up(runner);
      expect(
        await runner.query(`SELECT refund_committed_amount, refunded_amount FROM payments`),
      ).toEqual([{ refund_committed_amount: '2500.00', refunded_amount: '1000.00' }]);
      await runner.release();
    } finally {
      await old.drop();
    }
  });

  it('processes starting together take turns: one applies them, the others find nothing to do', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    const others = Array.from({ length: 2 }, () =>
      createDataSource({ url: fresh.url, poolSize: 2 }),
    );
    try {
      await Promise.all(others.map((d) => d.initialize()));
      const applied = await Promise.all([fresh.dataSource, ...others].map((d) => runMigrations(d)));
      expect(applied.map((names) => names.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
    } finally {
      await Promise.all(others.map((d) => d.destroy()));
      await fresh.drop();
    }
  });

  it('are idempotent: running them again applies nothing', async () => {
    expect(await runMigrations(ds)).toEqual([]);
  });
});

describe('external id registry', () => {
  it('refuses the same id twice on one Jakarta day, allows it on the next day and for another partner', async () => {
    const c = { ...claim, purpose: 'payment' as const };
    expect(await externalIds.tryReserve('424242', c)).toBe(true);
    expect(await externalIds.tryReserve('424242', c)).toBe(false);
    expect(await externalIds.tryReserve('424242', { ...c, jakartaDay: '2026-11-25' })).toBe(true);
    expect(await externalIds.tryReserve('424242', { ...c, partnerId: 'BRN-OTHER' })).toBe(true);
  });

  it('draws a new id when the drawn one is taken that day', async () => {
    const c = { ...claim, purpose: 'refund' as const };
    await externalIds.tryReserve('777', c);
    const draws = ['777', '778'];
    expect(await externalIds.reserve(() => draws.shift()!, c)).toBe('778');
  });

  it('the database itself enforces the rule, whatever the code does', async () => {
    const insert = () =>
      ds.query(
        `INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose) VALUES ('P', '2026-01-01', '1', 'payment')`,
      );
    await insert();
    await expect(insert()).rejects.toThrow(/duplicate key/);
  });
});

describe('payments', () => {
  it('stores a payment with its reserved external id and exact amounts', async () => {
    const p = await payments.create(
      newPayment({ amountValue: '9999999999999999.99' }),
      drawId,
      claim,
    );
    expect(p.status).toBe('PENDING');
    expect(p.amountValue).toBe('9999999999999999.99');
    expect(p.refundedAmount).toBe('0.00');
    const rows = await ds.query(`SELECT subject_id FROM external_ids WHERE external_id = $1`, [
      p.externalId,
    ]);
    expect(rows).toEqual([{ subject_id: p.id }]);
  });

  it('answers the payment as stored, every field, whether the optional ones are given or not', async () => {
    const full = newPayment({
      ipAddress: '203.0.113.7',
      orderTitle: 'Kopi susu x2',
      validUpTo: '2026-11-24T23:00:00+07:00',
      pointOfInitiation: 'app',
      deepLink: true,
      idempotencyKey: 'key-1',
    });
    for (const input of [newPayment(), full]) {
      const created = await payments.create(input, drawId, claim);
      expect(created).toEqual(await payments.findById(created.id));
    }
  });

  it('draws another X-EXTERNAL-ID when the drawn one is taken that day; a duplicate order leaves no id behind', async () => {
    await externalIds.tryReserve('555000', { ...claim, purpose: 'refund' });
    const draws = ['555000', '555001'];
    const p = await payments.create(newPayment(), () => draws.shift()!, claim);
    expect(p.externalId).toBe('555001');
    await expect(
      payments.create(
        { ...newPayment(), partnerReferenceNo: p.partnerReferenceNo },
        () => '555002',
        claim,
      ),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await ds.query(`SELECT 1 FROM external_ids WHERE external_id = '555002'`)).toEqual([]);
  });

  it('50 concurrent creates of one partnerReferenceNo store exactly one payment', async () => {
    const input = newPayment();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => payments.create(input, drawId, claim)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(49);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(DuplicateKeyError);
    const [{ count }] = await ds.query(
      `SELECT count(*)::int AS count FROM payments WHERE partner_reference_no = $1`,
      [input.partnerReferenceNo],
    );
    expect(count).toBe(1);
  });

  it('creates arriving together are written together; a taken id or a duplicate affects only its own', async () => {
    const existing = await payments.create(newPayment(), drawId, claim);
    await externalIds.tryReserve('888000', { ...claim, purpose: 'refund' });
    const takenFirst = ['888000', '888001'];
    const inputs = Array.from({ length: 30 }, () => newPayment());
    // A group that succeeds, one of whose ids was taken that day: that one alone draws again.
    const together = await Promise.all([
      ...inputs.slice(0, 15).map((input) => payments.create(input, drawId, claim)),
      payments.create(newPayment(), () => takenFirst.shift()!, claim),
    ]);
    expect(together[15].externalId).toBe('888001');
    // A group that fails on a duplicate: written again one by one, only the duplicate fails.
    const results = await Promise.allSettled([
      ...inputs.slice(15).map((input) => payments.create(input, drawId, claim)),
      payments.create(
        { ...newPayment(), partnerReferenceNo: existing.partnerReferenceNo },
        drawId,
        claim,
      ),
    ]);
    expect(results[15]).toMatchObject({
      status: 'rejected',
      reason: expect.any(DuplicateKeyError),
    });
    const created = [
      ...together.slice(0, 15),
      ...results.slice(0, 15).map((r) => (r.status === 'fulfilled' ? r.value : r.reason)),
    ];
    for (const [i, p] of created.entries()) {
      expect(p).toMatchObject({
        partnerReferenceNo: inputs[i].partnerReferenceNo,
        status: 'PENDING',
      });
      expect(p.createdAt).toBeInstanceOf(Date);
    }
    const rows = await ds.query(
      `SELECT p.external_id FROM payments p
         JOIN external_ids e ON e.external_id = p.external_id AND e.subject_id = p.id
         JOIN payment_status_changes c ON c.payment_id = p.id AND c.to_status = 'PENDING'
        WHERE p.id = ANY($1)`,
      [created.map((p) => p.id)],
    );
    expect(new Set(rows.map((r: { external_id: string }) => r.external_id)).size).toBe(30);
  });

  it('moves PENDING forward once and never moves a final status, recording each change', async () => {
    const p = await payments.create(newPayment(), drawId, claim);
    const paid = await payments.changeStatus(p.id, { to: 'PAID', source: 'notification' });
    expect(paid).toMatchObject({ changed: true, from: 'PENDING', conflict: false });
    expect(paid.payment.paidAt).toBeInstanceOf(Date);
    expect(await payments.changeStatus(p.id, { to: 'PAID', source: 'status_check' })).toMatchObject(
      { changed: false, conflict: false },
    );
    expect(
      await payments.changeStatus(p.id, { to: 'FAILED', source: 'notification' }),
    ).toMatchObject({ changed: false, conflict: true });
    expect((await payments.findById(p.id))!.status).toBe('PAID');
    const history = await payments.statusHistory(p.id);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.source])).toEqual([
      [null, 'PENDING', 'api'],
      ['PENDING', 'PAID', 'notification'],
    ]);
  });

  it('a hot-path statement first run on a small table still finds its row by index once the table is large', async () => {
    // One connection: the statement is prepared, planned and explained on the same one.
    const single = createDataSource({ url: db.url, poolSize: 1 });
    await single.initialize();
    try {
      const repo = new PaymentsRepository(single);
      const p = await repo.create(newPayment(), drawId, claim);
      // More runs than PostgreSQL's plan cache needs before it settles on a generic plan (5).
      for (let i = 0; i < 8; i++) await repo.recordDokuAnswer(p.id, { referenceNo: `REF-${i}` });
      await single.query(
        `INSERT INTO payments (id, partner_reference_no, channel, amount_value, currency, status,
           return_url, device_id, external_id, request_body)
         SELECT gen_random_uuid(), 'BULK-' || g, 'DANA', 1000, 'IDR', 'PENDING',
           'https://x.example', 'd', 'B' || g, '{}' FROM generate_series(1, 20000) g`,
      );
      // EXECUTE takes no bind parameters; the id is a uuid this test made.
      const [{ 'QUERY PLAN': plan }] = (await single.query(
        `EXPLAIN (FORMAT JSON) EXECUTE "payment-record-doku-answers"('{${p.id}}', '{NULL}', '{REF-9}', '{NULL}')`,
      )) as { 'QUERY PLAN': unknown }[];
      const scans = JSON.stringify(plan).match(
        /"Node Type":"[^"]*Scan"[^{}]*?"Relation Name":"payments"/g,
      );
      expect(scans).toHaveLength(1);
      expect(scans![0]).toContain('Index Scan');
      expect((await repo.findById(p.id))!.referenceNo).toBe('REF-7');
    } finally {
      await single.destroy();
      await ds.query(`DELETE FROM payments WHERE partner_reference_no LIKE 'BULK-%'`);
    }
  });

  it('plans per run even when the database URL brings settings of its own, and keeps them', async () => {
    const url = new URL(db.url);
    url.searchParams.set('options', '-c statement_timeout=4321');
    const own = createDataSource({ url: url.toString(), poolSize: 1 });
    await own.initialize();
    try {
      expect(await own.query('SHOW plan_cache_mode')).toEqual([
        { plan_cache_mode: 'force_custom_plan' },
      ]);
      expect(await own.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '4321ms' }]);
    } finally {
      await own.destroy();
    }
  });

  it('the database refuses refunds above the paid amount, and paid back beyond what was accepted', async () => {
    const p = await payments.create(newPayment({ amountValue: '100.00' }), drawId, claim);
    const set = (sql: string) => ds.query(`UPDATE payments SET ${sql} WHERE id = $1`, [p.id]);
    await expect(set('refund_committed_amount = 100.01')).rejects.toThrow(
      /payments_refund_committed_ck/,
    );
    await expect(set('refunded_amount = 0.01')).rejects.toThrow(/payments_refund_committed_ck/);
    await expect(set('refunded_amount = -1')).rejects.toThrow(/payments_refunded_ck/);
    await expect(
      set('refund_committed_amount = 100.00, refunded_amount = 100.00'),
    ).resolves.toBeDefined();
  });
});

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
    const { refund, outboxJobId } = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
    expect(refund).toMatchObject({ paymentId: p.id, amountValue: '1000.00', status: 'PENDING' });
    expect(refund.createdAt).toBeInstanceOf(Date);
    expect(
      await ds.query(`SELECT job_id, data FROM outbox_jobs WHERE id = $1`, [outboxJobId]),
    ).toEqual([{ job_id: `refund-${refund.id}`, data: { refundId: refund.id } }]);
    await expect(refunds.accept(newRefund(p.id, '2000.01'), outbox)).rejects.toMatchObject({
      reason: 'EXCEEDS_REFUNDABLE',
      refundable: '2000.00',
    });
    await expect(
      refunds.accept(
        { ...newRefund(p.id, '1.00'), partnerRefundNo: refund.partnerRefundNo },
        outbox,
      ),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
    const pending = await payments.create(newPayment(), drawId, claim);
    await expect(refunds.accept(newRefund(pending.id, '1.00'), outbox)).rejects.toMatchObject({
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
    const young = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
    const old = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
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
      ids.push((await refunds.accept(newRefund(p.id, '1000.00'), outbox)).outboxJobId);
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
    const accepted = await Promise.all(burst.map((r) => refunds.accept(r, outbox)));
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
    const first = await refunds.accept(
      newRefund((await paidPayment('1000.00')).id, '1.00'),
      outbox,
    );
    const paid = await Promise.all(Array.from({ length: 5 }, () => paidPayment('1000.00')));
    const burst = paid.map((p, i) =>
      i === 2
        ? { ...newRefund(p.id, '1.00'), partnerRefundNo: first.refund.partnerRefundNo }
        : newRefund(p.id, '1.00'),
    );
    const results = await Promise.allSettled(burst.map((r) => refunds.accept(r, outbox)));
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKeyError);
  });

  it('12 concurrent refunds of 1,000 on a 9,000 payment: exactly 9 accepted', async () => {
    const p = await paidPayment('9000.00');
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => refunds.accept(newRefund(p.id, '1000.00'), outbox)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RefundRefusedError);
  });

  it('concurrent claims fix one request: the same bytes and X-EXTERNAL-ID, every claim counted', async () => {
    const p = await paidPayment('1000.00');
    const { refund } = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => refunds.claim(refund.id, prepare, drawId, claim)),
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
    const accepted = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
    expect(accepted.payment).toEqual({
      partnerReferenceNo: p.partnerReferenceNo,
      externalId: p.externalId,
    });
    const externalId = drawId();
    expect(
      await refunds.fixRequest(accepted.refund.id, '{"fixed":"at accept"}', externalId, claim),
    ).toBe(true);
    const unused = () => {
      throw new Error('a fixed request is never prepared again');
    };
    const first = await refunds.claim(accepted.refund.id, unused, drawId, claim);
    const second = await refunds.claim(accepted.refund.id, unused, drawId, claim);
    for (const c of [first, second])
      expect(c).toMatchObject({
        state: 'processing',
        refund: { requestBody: '{"fixed":"at accept"}', externalId, status: 'PROCESSING' },
        payment: { partnerReferenceNo: p.partnerReferenceNo, deviceId: 'device1' },
      });
    expect([first, second].map((c) => c?.state === 'processing' && c.resumed)).toEqual([
      false,
      true,
    ]);
    expect((await refunds.findById(accepted.refund.id))!.attempts).toBe(2);
  });

  it('a request a worker fixed first keeps its bytes and X-EXTERNAL-ID', async () => {
    const p = await paidPayment('1000.00');
    const { refund } = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
    const claimed = await refunds.claim(refund.id, prepare, drawId, claim);
    expect(await refunds.fixRequest(refund.id, '{"late":"fix"}', drawId(), claim)).toBe(false);
    expect(await refunds.findById(refund.id)).toMatchObject({
      requestBody: prepare(),
      externalId: claimed?.state === 'processing' ? claimed.refund.externalId : 'none',
    });
  });

  it('a claim draws another X-EXTERNAL-ID when the drawn one is taken that day', async () => {
    const p = await paidPayment('1000.00');
    const { refund } = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
    await externalIds.tryReserve('777000', { ...claim, purpose: 'payment' });
    const draws = ['777000', '777001'];
    const c = await refunds.claim(refund.id, prepare, () => draws.shift()!, claim);
    expect(c).toMatchObject({
      state: 'processing',
      refund: { externalId: '777001', status: 'PROCESSING' },
    });
  });

  it('settles once however many settle concurrently; the payment counts the amount once', async () => {
    const p = await paidPayment('5000.00');
    const { refund } = await refunds.accept(newRefund(p.id, '2000.00'), outbox);
    await refunds.claim(refund.id, prepare, drawId, claim);
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => refunds.markSucceeded(refund.id, 'DOKU-RF-1')),
      refunds.markFailed(refund.id, '4035815', 'Transaction Not Permitted'),
    ]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const final = (await refunds.findById(refund.id))!;
    for (const r of results) expect(r.refund.status).toBe(final.status);
    expect(final.completedAt).toBeInstanceOf(Date);
    expect(await refundedAmount(p.id)).toBe(final.status === 'SUCCEEDED' ? '2000.00' : '0.00');
    expect(await refunds.claim(refund.id, prepare, drawId, claim)).toMatchObject({
      state: 'final',
    });
  });

  it('claims and settlements made together are written together; two refunds of one payment both count', async () => {
    const paid = await Promise.all([paidPayment('5000.00'), paidPayment('5000.00')]);
    const ids: string[] = [];
    for (const p of paid)
      for (const value of ['1000.00', '1500.00']) {
        const { refund, payment } = await refunds.accept(newRefund(p.id, value), outbox);
        await refunds.fixRequest(
          refund.id,
          `{"for":"${payment.partnerReferenceNo}"}`,
          drawId(),
          claim,
        );
        ids.push(refund.id);
      }
    const claims = await Promise.all(ids.map((id) => refunds.claim(id, prepare, drawId, claim)));
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
    const accept = () => refunds.accept(newRefund(p.id, '1.00'), outbox);
    // Enough at once to prepare the statements on every pooled connection.
    const first = await Promise.all(Array.from({ length: 20 }, accept));
    await ds.query(`ALTER TABLE refunds ADD COLUMN added_later text`);
    await ds.query(`ALTER TABLE payments ADD COLUMN added_later text`);
    try {
      const later = await Promise.all(Array.from({ length: 20 }, accept));
      for (const { refund } of later)
        expect(await refunds.claim(refund.id, prepare, drawId, claim)).toMatchObject({
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
    const { refund } = await refunds.accept(newRefund(p.id, '1000.00'), outbox);
    const failed = await refunds.markFailed(refund.id, '4035815', null);
    expect(failed).toMatchObject({
      changed: true,
      refund: { status: 'FAILED', failureCode: '4035815' },
    });
    expect((await refunds.markSucceeded(refund.id, 'late')).changed).toBe(false);
    expect(await refundedAmount(p.id)).toBe('0.00');
    await expect(refunds.accept(newRefund(p.id, '1000.00'), outbox)).resolves.toBeDefined();
  });
});

describe('idempotency keys', () => {
  it('starts once, replays the stored response, refuses another body, reports in-flight', async () => {
    const repo = new IdempotencyRepository(ds);
    expect(await repo.begin('caller', 'k1', 'a'.repeat(64), 60_000)).toEqual({ kind: 'started' });
    expect(await repo.begin('caller', 'k1', 'a'.repeat(64), 60_000)).toEqual({ kind: 'in_flight' });
    expect(await repo.begin('caller', 'k1', 'b'.repeat(64), 60_000)).toEqual({ kind: 'mismatch' });
    await repo.complete('caller', 'k1', 201, { id: 'x' });
    expect(await repo.begin('caller', 'k1', 'a'.repeat(64), 60_000)).toEqual({
      kind: 'replay',
      status: 201,
      body: { id: 'x' },
    });
    expect(await repo.begin('other-caller', 'k1', 'b'.repeat(64), 60_000)).toEqual({
      kind: 'started',
    });
  });

  it('a claim whose holder died is taken over after its lock expires; a released key starts again', async () => {
    const repo = new IdempotencyRepository(ds);
    expect(await repo.begin('caller', 'k2', 'a'.repeat(64), 1)).toEqual({ kind: 'started' });
    await new Promise((r) => setTimeout(r, 20));
    expect(await repo.begin('caller', 'k2', 'a'.repeat(64), 60_000)).toEqual({ kind: 'started' });
    await repo.release('caller', 'k2');
    expect(await repo.begin('caller', 'k2', 'a'.repeat(64), 60_000)).toEqual({ kind: 'started' });
  });
});
