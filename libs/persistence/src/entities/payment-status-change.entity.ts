import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type StatusChangeSource =
  'api' | 'doku_payment' | 'notification' | 'status_check' | 'reconciliation' | 'operator';

/** The history of a payment's status: what changed it, when, and on what evidence. */
@Entity({ name: 'payment_status_changes' })
export class PaymentStatusChangeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('payment_status_changes_payment_idx')
  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus: string;

  @Column({ type: 'varchar', length: 32 })
  source: StatusChangeSource;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
