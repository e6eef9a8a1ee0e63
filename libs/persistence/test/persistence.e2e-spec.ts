import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource, MigrationInterface } from 'typeorm';
import {
  createDataSource,
  DuplicateKeyError,
  ExternalIdRegistry,
  IdempotencyRepository,
  MIGRATIONS,
  PaymentsRepository,
  runMigrations,
} from '@app/persistence';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';
import { claim, drawId, newPayment } from './support/payments';

let db: TestDatabase;
let ds: DataSource;
let externalIds: ExternalIdRegistry;
let payments: PaymentsRepository;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  externalIds = new ExternalIdRegistry(ds);
  payments = new PaymentsRepository(ds);
});
afterAll(() => db?.drop());

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

  it("move old payments' channel inputs into channel_input, and give old refunds their history", async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      const [initial, committedAmount, channelInput, refundHistory] = MIGRATIONS.map(
        (m) => new (m as new () => MigrationInterface)(),
      );
      const runner = old.dataSource.createQueryRunner();
      await initial.up(runner);
      await committedAmount.up(runner);
      await runner.query(
        `INSERT INTO payments (id, partner_reference_no, channel, amount_value, currency, status, return_url, device_id, ip_address, order_title, point_of_initiation, deep_link, external_id, request_body)
         VALUES ('00000000-0000-4000-8000-000000000002', 'INV-OLD-2', 'DANA', 5000, 'IDR', 'PAID', 'https://x.example/r', 'dev1', '203.0.113.7', 'Kopi', 'app', true, '2', '{"kept":"bytes"}'),
                ('00000000-0000-4000-8000-000000000003', 'INV-OLD-3', 'DANA', 5000, 'IDR', 'PENDING', 'https://x.example/s', 'dev2', NULL, NULL, NULL, false, '3', '{}')`,
      );
      await runner.query(
        `INSERT INTO refunds (payment_id, partner_refund_no, amount_value, currency, status)
         VALUES ('00000000-0000-4000-8000-000000000002', 'RF-OLD', 1000, 'IDR', 'SUCCEEDED')`,
      );
      await channelInput.up(runner);
      await refundHistory.up(runner);
      expect(
        await runner.query(
          `SELECT partner_reference_no, channel_input, request_body FROM payments ORDER BY partner_reference_no`,
        ),
      ).toEqual([
        {
          partner_reference_no: 'INV-OLD-2',
          channel_input: {
            returnUrl: 'https://x.example/r',
            deviceId: 'dev1',
            ipAddress: '203.0.113.7',
            orderTitle: 'Kopi',
            pointOfInitiation: 'app',
            deepLink: true,
          },
          request_body: '{"kept":"bytes"}',
        },
        {
          partner_reference_no: 'INV-OLD-3',
          channel_input: { returnUrl: 'https://x.example/s', deviceId: 'dev2', deepLink: false },
          request_body: '{}',
        },
      ]);
      expect(
        await runner.query(
          `SELECT from_status, to_status FROM refund_status_changes ORDER BY created_at, from_status NULLS FIRST`,
        ),
      ).toEqual([
        { from_status: null, to_status: 'PENDING' },
        { from_status: 'PENDING', to_status: 'SUCCEEDED' },
      ]);
      await refundHistory.down(runner);
      await channelInput.down(runner);
      expect(
        await runner.query(
          `SELECT device_id, return_url, deep_link FROM payments ORDER BY partner_reference_no`,
        ),
      ).toEqual([
        { device_id: 'dev1', return_url: 'https://x.example/r', deep_link: true },
        { device_id: 'dev2', return_url: 'https://x.example/s', deep_link: false },
      ]);
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
      channelInput: {
        returnUrl: 'https://merchant.example/return',
        deviceId: 'device1',
        ipAddress: '203.0.113.7',
        orderTitle: 'Kopi susu x2',
        pointOfInitiation: 'app',
        deepLink: true,
      },
      validUpTo: '2026-11-24T23:00:00+07:00',
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
           external_id, request_body)
         SELECT gen_random_uuid(), 'BULK-' || g, 'DANA', 1000, 'IDR', 'PENDING',
           'B' || g, '{}' FROM generate_series(1, 20000) g`,
      );
      // EXECUTE takes no bind parameters; the id is a uuid this test made.
      const [{ 'QUERY PLAN': plan }] = (await single.query(
        `EXPLAIN (FORMAT JSON) EXECUTE "payment-record-doku-answers"('{${p.id}}', '{NULL}', '{REF-9}', '{NULL}', '{NULL}')`,
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

describe('idempotency keys', () => {
  it('starts once, replays the stored response, refuses another body, reports in-flight', async () => {
    const repo = new IdempotencyRepository(ds);
    expect(await repo.begin('caller', 'k1', 'a'.repeat(64), 60_000)).toEqual({ kind: 'started' });
    expect(await repo.begin('caller', 'k1', 'a'.repeat(64), 60_000)).toEqual({ kind: 'in_flight' });
    expect(await repo.begin('caller', 'k1', 'b'.repeat(64), 60_000)).toEqual({ kind: 'mismatch' });
    await repo.complete('caller', 'k1', 201, '{"id":"x", "kept":"as sent"}');
    expect(await repo.begin('caller', 'k1', 'a'.repeat(64), 60_000)).toEqual({
      kind: 'replay',
      status: 201,
      text: '{"id":"x", "kept":"as sent"}',
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
