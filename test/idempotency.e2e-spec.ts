import { afterAll, beforeAll, expect, it } from 'vitest';
import { IdempotencyRepository } from '@app/persistence';
import { ApiError } from '../apps/payments/src/common/api-error';
import { IdempotencyService } from '../apps/payments/src/idempotency/idempotency.service';
import { createTestDatabase, TestDatabase } from './support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** The service with a 1 s lock instead of 60 s: the same rule, in test time. */
class ShortLockIdempotency extends IdempotencyService {
  protected override readonly lockMs = 1_000;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('a request running past its lock keeps its key: a retry meanwhile is 409, after it the replay', async () => {
  const service = new ShortLockIdempotency(new IdempotencyRepository(db.dataSource));
  const request = { method: 'POST', path: '/v1/things', rawBody: Buffer.from('{"a":1}') };
  let runs = 0;
  const slow = service.run('caller', 'slow-key', request, async () => {
    runs++;
    await sleep(3_000);
    return { status: 201, body: { id: 'first' } };
  });
  await sleep(2_000);
  const retry = service.run('caller', 'slow-key', request, async () => {
    runs++;
    return { status: 201, body: { id: 'second' } };
  });
  await expect(retry).rejects.toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_IN_USE' });
  await expect(retry).rejects.toBeInstanceOf(ApiError);
  expect(await slow).toEqual({ status: 201, text: '{"id":"first"}', replayed: false });
  const after = await service.run('caller', 'slow-key', request, async () => {
    runs++;
    return { status: 201, body: { id: 'third' } };
  });
  expect(after).toEqual({ status: 201, text: '{"id":"first"}', replayed: true });
  expect(runs).toBe(1);
});
