import { DataSource, EntityManager, IsNull } from 'typeorm';
import { OutboxJobEntity } from '../entities';
import { GroupCommit } from './group-commit';
import { PreparedStatement, runPrepared } from './prepared';

const MARK_DISPATCHED: PreparedStatement = {
  name: 'outbox-mark-dispatched',
  text: `UPDATE outbox_jobs SET dispatched_at = now() WHERE id = ANY($1::uuid[])`,
};

/** Queue jobs owed by committed rows, until the queue has them. */
export class OutboxRepository {
  /** Marks made while one is in flight go together: one statement for a burst of accepts. */
  private readonly marks: GroupCommit<string, void>;

  constructor(private readonly dataSource: DataSource) {
    this.marks = new GroupCommit<string, void>(async (ids) => {
      await runPrepared(this.dataSource, MARK_DISPATCHED, [ids]);
      return ids.map(() => undefined);
    });
  }

  /**
   * Hands undispatched jobs at least `minAgeMs` old to `dispatch`, oldest first, at most `limit`;
   * rows are locked while dispatched (SKIP LOCKED: several relays never send the same job at once)
   * and marked when done. Returns how many were dispatched; a failing dispatch leaves its job for
   * the next round. Younger rows are left to the request that wrote them: locking them would make
   * its own mark wait for this whole round.
   */
  relay(
    limit: number,
    minAgeMs: number,
    dispatch: (job: OutboxJobEntity) => Promise<void>,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const jobs = await manager
        .getRepository(OutboxJobEntity)
        .createQueryBuilder('o')
        .where('o.dispatched_at IS NULL')
        .andWhere(`o.created_at <= now() - make_interval(secs => :minAgeSeconds)`, {
          minAgeSeconds: minAgeMs / 1000,
        })
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

  /**
   * Owes a job to a queue, inside the caller's transaction: it exists exactly when the change that
   * owes it commits. A job id already owed is owed once.
   */
  async addIn(
    manager: EntityManager,
    job: { queue: string; name: string; jobId: string; data: Record<string, unknown> },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO outbox_jobs (queue, name, job_id, data) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (job_id) DO NOTHING`,
      [job.queue, job.name, job.jobId, JSON.stringify(job.data)],
    );
  }

  /** Once per accepted refund, after its job reached the queue. */
  markDispatched(id: string): Promise<void> {
    return this.marks.run(id);
  }

  pendingCount(): Promise<number> {
    return this.dataSource.getRepository(OutboxJobEntity).countBy({ dispatchedAt: IsNull() });
  }
}
