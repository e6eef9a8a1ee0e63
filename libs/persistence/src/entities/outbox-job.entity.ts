import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A queue job owed, written in the same transaction as the row it is about, and handed to the
 * queue after commit: a refund accepted while Redis is down is still enqueued later.
 */
@Entity({ name: 'outbox_jobs' })
@Index('outbox_jobs_undispatched_idx', ['createdAt'], { where: 'dispatched_at IS NULL' })
export class OutboxJobEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  queue: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** Deterministic job id: enqueuing twice is a no-op in BullMQ. */
  @Column({ name: 'job_id', type: 'varchar', length: 128, unique: true })
  jobId: string;

  /** Ids only, never secrets. */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;
}
