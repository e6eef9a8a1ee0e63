import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';

export const BINDING_STATUSES = ['PENDING', 'ACTIVE', 'FAILED', 'UNBOUND'] as const;
export type BindingStatus = (typeof BINDING_STATUSES)[number];

/** The binding statuses whose arrival is an event (`binding.<status in lower case>`). */
export const BINDING_EVENT_STATUSES = ['ACTIVE', 'UNBOUND'] as const;

/**
 * Columns no event, view or log ever shows: the encrypted customer token and authCode (secrets
 * even encrypted: a leaked key would open them), and the hash of the customer's return nonce.
 */
export const BINDING_SECRET_COLUMNS = ['auth_code', 'customer_token', 'return_nonce_hash'];

/**
 * A customer's wallet account bound to the merchant (OVO): started by a caller, confirmed by the
 * customer at the wallet, then paid from with the customer (B2B2C) token DOKU issues for it.
 * `authCode` and `customerToken` are AES-256-GCM ciphertexts (DATA_ENCRYPTION_KEY), never plain.
 */
@Entity({ name: 'wallet_bindings' })
@Check('wallet_bindings_status_ck', `"status" IN ('PENDING', 'ACTIVE', 'FAILED', 'UNBOUND')`)
@Index('wallet_bindings_customer_idx', ['customerId', 'createdAt'])
export class WalletBindingEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  /** The merchant's id of the customer (`custIdMerchant`). */
  @Column({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId: string;

  @Column({ name: 'phone_number', type: 'varchar', length: 16 })
  phoneNumber: string;

  @Column({ type: 'varchar', length: 16 })
  status: BindingStatus;

  /** Where the caller's customer goes once the binding is confirmed, or not. */
  @Column({ name: 'success_url', type: 'text' })
  successUrl: string;

  @Column({ name: 'failure_url', type: 'text' })
  failureUrl: string;

  /** DOKU's page where the customer confirms. */
  @Column({ name: 'redirect_url', type: 'text', nullable: true })
  redirectUrl: string | null;

  /** DOKU's reference of the binding request. */
  @Column({ name: 'reference_no', type: 'text', nullable: true })
  referenceNo: string | null;

  /** sha256 of the nonce in the return URL DOKU sends the customer to: only that URL completes it. */
  @Column({ name: 'return_nonce_hash', type: 'varchar', length: 64 })
  returnNonceHash: string;

  /** Encrypted; exchanged for customer tokens, again at every renewal. */
  @Column({ name: 'auth_code', type: 'text', nullable: true })
  authCode: string | null;

  /** Encrypted customer (B2B2C) access token. */
  @Column({ name: 'customer_token', type: 'text', nullable: true })
  customerToken: string | null;

  @Column({ name: 'customer_token_expires_at', type: 'timestamptz', nullable: true })
  customerTokenExpiresAt: Date | null;

  @Column({ name: 'failure_code', type: 'varchar', length: 32, nullable: true })
  failureCode: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage: string | null;

  @Column({ name: 'bound_at', type: 'timestamptz', nullable: true })
  boundAt: Date | null;

  @Column({ name: 'unbound_at', type: 'timestamptz', nullable: true })
  unboundAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
