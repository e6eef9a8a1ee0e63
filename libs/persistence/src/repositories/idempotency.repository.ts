import { DataSource } from 'typeorm';
import { IdempotencyKeyEntity } from '../entities';

export type IdempotencyBegin =
  | { kind: 'started' }
  | { kind: 'replay'; status: number; text: string }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/** Stripe-style idempotency keys of internal callers, kept in PostgreSQL. */
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims `key` for this request, or says what happened to it before: the stored response
   * (same request), a mismatch (another request under the same key), or still running.
   * A claim whose holder died (lock expired) is taken over.
   */
  async begin(
    caller: string,
    key: string,
    requestHash: string,
    lockMs: number,
  ): Promise<IdempotencyBegin> {
    const repo = this.dataSource.getRepository(IdempotencyKeyEntity);
    const inserted = await repo
      .createQueryBuilder()
      .insert()
      .values({
        caller,
        key,
        requestHash,
        state: 'IN_FLIGHT',
        lockedUntil: () => `now() + make_interval(secs => ${lockMs / 1000})`,
      })
      .orIgnore()
      .returning(['key'])
      .execute();
    if ((inserted.raw as unknown[]).length === 1) return { kind: 'started' };

    const existing = await repo.findOneBy({ caller, key });
    if (!existing) return this.begin(caller, key, requestHash, lockMs);
    if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
    if (existing.state === 'COMPLETED') {
      return {
        kind: 'replay',
        status: existing.responseStatus ?? 200,
        text: existing.responseBody ?? '',
      };
    }
    const takenOver = await repo
      .createQueryBuilder()
      .update()
      .set({ lockedUntil: () => `now() + make_interval(secs => ${lockMs / 1000})` })
      .where('caller = :caller AND key = :key AND state = :state AND locked_until < now()', {
        caller,
        key,
        state: 'IN_FLIGHT',
      })
      .execute();
    return takenOver.affected === 1 ? { kind: 'started' } : { kind: 'in_flight' };
  }

  /** Holds a claim still running for another `lockMs`: its holder is alive. */
  async extend(caller: string, key: string, lockMs: number): Promise<void> {
    await this.dataSource
      .getRepository(IdempotencyKeyEntity)
      .createQueryBuilder()
      .update()
      .set({ lockedUntil: () => `now() + make_interval(secs => ${lockMs / 1000})` })
      .where('caller = :caller AND key = :key AND state = :state', {
        caller,
        key,
        state: 'IN_FLIGHT',
      })
      .execute();
  }

  /** Stores the response every later request with this key will get. */
  /** `text`: the answer's bytes, as they were sent. */
  async complete(caller: string, key: string, status: number, text: string): Promise<void> {
    await this.dataSource
      .getRepository(IdempotencyKeyEntity)
      .update({ caller, key }, { state: 'COMPLETED', responseStatus: status, responseBody: text });
  }

  /** Forgets the claim, so the caller may retry with the same key (outcome was unknown). */
  async release(caller: string, key: string): Promise<void> {
    await this.dataSource
      .getRepository(IdempotencyKeyEntity)
      .delete({ caller, key, state: 'IN_FLIGHT' });
  }
}
