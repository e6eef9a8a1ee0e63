import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { RefundEntity } from './refund.entity';

export const PAYMENT_STATUSES = ['PENDING', 'PAID', 'FAILED', 'CANCELLED', 'EXPIRED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'PAID',
  'FAILED',
  'CANCELLED',
  'EXPIRED',
];

@Entity({ name: 'payments' })
@Check('payments_status_ck', `"status" IN ('PENDING', 'PAID', 'FAILED', 'CANCELLED', 'EXPIRED')`)
@Check('payments_amount_ck', `"amount_value" > 0`)
// The last line of defence against over-refunding, whatever the code above it does.
@Check('payments_refunded_ck', `"refunded_amount" >= 0 AND "refunded_amount" <= "amount_value"`)
// Refunds accepted (not FAILED) never exceed the payment, and include every refund paid back.
@Check(
  'payments_refund_committed_ck',
  `"refund_committed_amount" >= "refunded_amount" AND "refund_committed_amount" <= "amount_value"`,
)
@Index('payments_pending_created_idx', ['createdAt'], { where: `status = 'PENDING'` })
export class PaymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'partner_reference_no', type: 'varchar', length: 64, unique: true })
  partnerReferenceNo: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  /** numeric(18,2) arrives as a string: exact. */
  @Column({ name: 'amount_value', type: 'numeric', precision: 18, scale: 2 })
  amountValue: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16 })
  status: PaymentStatus;

  @Column({ name: 'valid_up_to', type: 'varchar', length: 40, nullable: true })
  validUpTo: string | null;

  /**
   * What the customer gave that only some channels take (DANA: returnUrl, deviceId, ipAddress,
   * orderTitle, pointOfInitiation, deepLink), as the channel's adapter reads it: kept for resends
   * and refunds, which carry the customer's device again.
   */
  @Column({ name: 'channel_input', type: 'jsonb', default: () => "'{}'" })
  channelInput: Record<string, unknown>;

  /** X-EXTERNAL-ID of the payment request, reserved before it was sent. */
  @Column({ name: 'external_id', type: 'varchar', length: 36 })
  externalId: string;

  /** The exact bytes sent to DOKU, kept so an ambiguous outcome can be replayed byte for byte. */
  @Column({ name: 'request_body', type: 'text' })
  requestBody: string;

  @Column({ name: 'redirect_url', type: 'text', nullable: true })
  redirectUrl: string | null;

  /** DOKU's reference: always text, never a number. */
  @Column({ name: 'reference_no', type: 'text', nullable: true })
  referenceNo: string | null;

  @Column({ name: 'refunded_amount', type: 'numeric', precision: 18, scale: 2, default: 0 })
  refundedAmount: string;

  /**
   * Sum of the payment's refunds that are not FAILED: money promised or paid back. Accepting a
   * refund raises it in one conditional UPDATE (its row lock serializes racing accepts); a
   * refund that FAILS lowers it again.
   */
  @Column({
    name: 'refund_committed_amount',
    type: 'numeric',
    precision: 18,
    scale: 2,
    default: 0,
  })
  refundCommittedAmount: string;

  @Column({ name: 'failure_code', type: 'varchar', length: 32, nullable: true })
  failureCode: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage: string | null;

  /** Idempotency-Key of the create request, so a retry with that key can resume this payment. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @Column({ name: 'last_status_check_at', type: 'timestamptz', nullable: true })
  lastStatusCheckAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany('RefundEntity', 'payment')
  refunds?: RefundEntity[];
}
