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
// Lists, newest first (keyset on created_at, id); by status too. The GIN index of metadata is
// made by the migration (TypeORM cannot say jsonb_path_ops).
@Index('payments_created_idx', ['createdAt', 'id'])
@Index('payments_status_created_idx', ['status', 'createdAt', 'id'])
@Index('payments_metadata_idx', { synchronize: false })
// Made by the migration (an expression index): a virtual account number is never issued twice.
@Index('payments_virtual_account_no_idx', { synchronize: false })
@Index('payments_attention_idx', ['attentionSince'], { where: `attention_reason IS NOT NULL` })
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

  /** The caller's own keys and values: stored and returned, never sent to DOKU. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, string>;

  /** X-EXTERNAL-ID of the payment request, reserved before it was sent. */
  @Column({ name: 'external_id', type: 'varchar', length: 36 })
  externalId: string;

  /** The exact bytes sent to DOKU, kept so an ambiguous outcome can be replayed byte for byte. */
  @Column({ name: 'request_body', type: 'text' })
  requestBody: string;

  @Column({ name: 'redirect_url', type: 'text', nullable: true })
  redirectUrl: string | null;

  /**
   * What the customer needs to pay, by the channel's kind, once DOKU answered the payment request:
   * `{ virtualAccount: {...} }`. Null for redirect wallets (their `redirectUrl`) and until then.
   */
  @Column({ type: 'jsonb', nullable: true })
  instructions: Record<string, unknown> | null;

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

  /**
   * Until when the request that created the payment may still be submitting it to DOKU: a plain
   * retry of the same order meanwhile is refused (409), after it resumes the payment. Ended at
   * once when the submission leaves the outcome unknown.
   */
  @Column({ name: 'submitting_until', type: 'timestamptz', nullable: true })
  submittingUntil: Date | null;

  /** When the payment was last claimed for or given a status check (reconciliation's lease). */
  @Column({ name: 'last_status_check_at', type: 'timestamptz', nullable: true })
  lastStatusCheckAt: Date | null;

  /** What DOKU said at the last status check that got an answer: code, status, time. */
  @Column({ name: 'last_status_check', type: 'jsonb', nullable: true })
  lastStatusCheck: {
    responseCode: string | null;
    transactionStatus: string | null;
    at: string;
  } | null;

  /**
   * What DOKU reports paid when the books could not take it as it came (paid after the payment
   * was closed, or another amount): refunds of the payment may return up to it.
   */
  @Column({
    name: 'doku_paid_amount',
    type: 'numeric',
    precision: 18,
    scale: 2,
    nullable: true,
  })
  dokuPaidAmount: string | null;

  /** Why a person must look at the payment (null: nothing to look at). */
  @Column({ name: 'attention_reason', type: 'varchar', length: 32, nullable: true })
  attentionReason: string | null;

  @Column({ name: 'attention_since', type: 'timestamptz', nullable: true })
  attentionSince: Date | null;

  /** What was reported, what the policy did, and once resolved, who resolved it and why. */
  @Column({ name: 'attention_detail', type: 'jsonb', nullable: true })
  attentionDetail: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany('RefundEntity', 'payment')
  refunds?: RefundEntity[];
}
