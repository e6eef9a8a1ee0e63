import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import {
  DuplicateKeyError,
  ExternalIdRegistry,
  IdempotencyRepository,
  NewPayment,
  PaymentsRepository,
  runMigrations,
} from '@app/persistence';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';

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

  it('the database refuses a refunded amount above the paid amount', async () => {
    const p = await payments.create(newPayment({ amountValue: '100.00' }), drawId, claim);
    await expect(
      ds.query(`UPDATE payments SET refunded_amount = 100.01 WHERE id = $1`, [p.id]),
    ).rejects.toThrow(/payments_refunded_ck/);
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
