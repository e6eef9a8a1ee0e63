import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What moved a refund: the API accepting it, a worker taking it to DOKU, DOKU's answer to the
 * refund, or DOKU's status listing it in the payment's refund history.
 */
export type RefundChangeSource = 'api' | 'worker' | 'doku_refund' | 'doku_status';

/** The history of a refund's status, as payments have theirs. */
@Entity({ name: 'refund_status_changes' })
export class RefundStatusChangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('refund_status_changes_refund_idx')
  @Column({ name: 'refund_id', type: 'uuid' })
  refundId: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus: string;

  @Column({ type: 'varchar', length: 32 })
  source: RefundChangeSource;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
