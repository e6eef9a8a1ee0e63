import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { PaymentEntity } from './payment.entity';

export const REFUND_STATUSES = ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

@Entity({ name: 'refunds' })
@Check('refunds_status_ck', `"status" IN ('PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED')`)
@Check('refunds_amount_ck', `"amount_value" > 0`)
@Index('refunds_open_idx', ['status', 'updatedAt'], {
  where: `status IN ('PENDING', 'PROCESSING')`,
})
@Index('refunds_created_idx', ['createdAt', 'id'])
@Index('refunds_status_created_idx', ['status', 'createdAt', 'id'])
@Index('refunds_payment_created_idx', ['paymentId', 'createdAt', 'id'])
@Index('refunds_attention_idx', ['attentionSince'], { where: `attention_reason IS NOT NULL` })
export class RefundEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'payment_id', type: 'uuid' })
  @Index('refunds_payment_idx')
  paymentId: string;

  @ManyToOne('PaymentEntity', 'refunds', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'payment_id' })
  payment?: PaymentEntity;

  /** Our refund id and DOKU's idempotency key for it: fixed before the first call. */
  @Column({ name: 'partner_refund_no', type: 'varchar', length: 64, unique: true })
  partnerRefundNo: string;

  @Column({ name: 'amount_value', type: 'numeric', precision: 18, scale: 2 })
  amountValue: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: RefundStatus;

  /** The caller's own keys and values: stored and returned, never sent to DOKU. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, string>;

  /** X-EXTERNAL-ID of the refund request, reserved before the first send and reused on resends. */
  @Column({ name: 'external_id', type: 'varchar', length: 36, nullable: true })
  externalId: string | null;

  /** The exact bytes sent to DOKU. */
  @Column({ name: 'request_body', type: 'text', nullable: true })
  requestBody: string | null;

  @Column({ name: 'refund_no', type: 'text', nullable: true })
  refundNo: string | null;

  @Column({ name: 'failure_code', type: 'varchar', length: 32, nullable: true })
  failureCode: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage: string | null;

  /** Times a worker took the refund to DOKU, counted before the call (a crash mid-call counts). */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'processing_started_at', type: 'timestamptz', nullable: true })
  processingStartedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** Why a person must look at the refund (its calls ran out while it is open); null: nothing. */
  @Column({ name: 'attention_reason', type: 'varchar', length: 32, nullable: true })
  attentionReason: string | null;

  @Column({ name: 'attention_since', type: 'timestamptz', nullable: true })
  attentionSince: Date | null;
}
