import { DataSource, IsNull } from 'typeorm';
import { OutboxJobEntity } from '../entities';
import { PreparedStatement, runPrepared } from './prepared';

const MARK_DISPATCHED: PreparedStatement = {
  name: 'outbox-mark-dispatched',
  text: `UPDATE outbox_jobs SET dispatched_at = now() WHERE id = $1`,
};

/** Queue jobs owed by committed rows, until the queue has them. */
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Hands undispatched jobs to `dispatch`, oldest first, at most `limit`; rows are locked while
   * dispatched (SKIP LOCKED: several relays never send the same job at once) and marked when done.
   * Returns how many were dispatched; a failing dispatch leaves its job for the next round.
   */
  relay(limit: number, dispatch: (job: OutboxJobEntity) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const jobs = await manager
        .getRepository(OutboxJobEntity)
        .createQueryBuilder('o')
        .where('o.dispatched_at IS NULL')
        .orderBy('o.created_at', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let dispatched = 0;
      for (const job of jobs) {
        try {
          await dispatch(job);
        } catch {
          break;
        }
        await manager.update(OutboxJobEntity, { id: job.id }, { dispatchedAt: () => 'now()' });
        dispatched++;
      }
      return dispatched;
    });
  }

  /** Once per accepted refund: prepared. */
  async markDispatched(id: string): Promise<void> {
    await runPrepared(this.dataSource, MARK_DISPATCHED, [id]);
  }

  pendingCount(): Promise<number> {
    return this.dataSource.getRepository(OutboxJobEntity).countBy({ dispatchedAt: IsNull() });
  }
}
