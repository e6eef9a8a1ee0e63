import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_OUTCOMES = [
  'APPLIED',
  'ALREADY_FINAL',
  'CONFLICT',
  'AMOUNT_MISMATCH',
  'UNKNOWN_PAYMENT',
  'IGNORED',
] as const;
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

/** A payment notification DOKU sent us, recorded once however often DOKU repeats it. */
@Entity({ name: 'notifications' })
@Index('notifications_fact_uq', ['originalPartnerReferenceNo', 'latestTransactionStatus'], {
  unique: true,
})
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'external_id', type: 'varchar', length: 64, nullable: true })
  externalId: string | null;

  @Column({ name: 'original_partner_reference_no', type: 'varchar', length: 64 })
  originalPartnerReferenceNo: string;

  @Column({ name: 'original_reference_no', type: 'varchar', length: 64, nullable: true })
  originalReferenceNo: string | null;

  @Column({ name: 'latest_transaction_status', type: 'varchar', length: 2 })
  latestTransactionStatus: string;

  @Column({ name: 'amount_value', type: 'numeric', precision: 18, scale: 2, nullable: true })
  amountValue: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Index('notifications_payment_idx')
  @Column({ name: 'payment_id', type: 'uuid', nullable: true })
  paymentId: string | null;

  @Column({ type: 'varchar', length: 32 })
  outcome: NotificationOutcome;

  @Column({ name: 'signature_form', type: 'varchar', length: 8 })
  signatureForm: string;

  @Column({ name: 'raw_body', type: 'text' })
  rawBody: string;

  /** Repeated deliveries of the same fact (DOKU retries). */
  @Column({ type: 'int', default: 0 })
  repeats: number;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
