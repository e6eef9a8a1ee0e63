import { DataSource, Repository } from 'typeorm';
import {
  BINDING_SECRET_COLUMNS,
  BindingStatus,
  NOT_IN_EVENT_SNAPSHOTS,
  WalletBindingEntity,
} from '../entities';
import { bindingEventRows } from '../statements/status-changes';
import { columnList, entityFromRow, snapshotOf } from './rows';

export interface NewBinding {
  id: string;
  channel: string;
  customerId: string;
  phoneNumber: string;
  successUrl: string;
  failureUrl: string;
  returnNonceHash: string;
}

/** A customer token as stored: ciphertext and expiry. */
export interface StoredCustomerToken {
  customerToken: string;
  expiresAt: Date;
}

/**
 * Wallet bindings. Every status change is one statement that takes the row lock, moves the status
 * only from the status it may leave, and writes its event (`binding.active`, `binding.unbound`)
 * with it: a binding activated twice at once, or unbound by the caller while DOKU reports it
 * unlinked, changes and tells once.
 */
export class WalletBindingsRepository {
  private readonly repo: Repository<WalletBindingEntity>;
  private readonly all: string;
  private readonly snapshot: (alias: string) => string;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(WalletBindingEntity);
    this.all = columnList(this.repo, 'b');
    this.snapshot = (alias) =>
      snapshotOf(this.repo, alias, [...NOT_IN_EVENT_SNAPSHOTS, ...BINDING_SECRET_COLUMNS]);
  }

  async create(binding: NewBinding): Promise<WalletBindingEntity> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `INSERT INTO wallet_bindings AS b (id, channel, customer_id, phone_number, status, success_url, failure_url, return_nonce_hash)
       VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7) RETURNING ${this.all}`,
      [
        binding.id,
        binding.channel,
        binding.customerId,
        binding.phoneNumber,
        binding.successUrl,
        binding.failureUrl,
        binding.returnNonceHash,
      ],
    );
    return entityFromRow(this.repo, rows[0]);
  }

  async findById(id: string): Promise<WalletBindingEntity | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${this.all} FROM wallet_bindings b WHERE b.id = $1`,
      [id],
    );
    return rows[0] ? entityFromRow(this.repo, rows[0]) : null;
  }

  /** DOKU's answer to the binding request: its page, its reference, an authCode when it gave one. */
  async recordDokuAnswer(
    id: string,
    answer: { redirectUrl: string | null; referenceNo: string | null; authCode: string | null },
  ): Promise<WalletBindingEntity> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      // In a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
      `WITH u AS (
         UPDATE wallet_bindings b SET redirect_url = $2, reference_no = $3,
           auth_code = coalesce($4, b.auth_code), updated_at = now()
         WHERE b.id = $1 RETURNING b.*
       ) SELECT ${this.all} FROM u b`,
      [id, answer.redirectUrl, answer.referenceNo, answer.authCode],
    );
    return entityFromRow(this.repo, rows[0]);
  }

  /** PENDING -> ACTIVE with its authCode and first customer token; `changed` false if it was not PENDING. */
  activate(
    id: string,
    authCode: string,
    token: StoredCustomerToken,
  ): Promise<{ changed: boolean; binding: WalletBindingEntity }> {
    return this.move(
      id,
      'ACTIVE',
      ['PENDING'],
      `auth_code = $3, customer_token = $4, customer_token_expires_at = $5, bound_at = now()`,
      [authCode, token.customerToken, token.expiresAt],
    );
  }

  /** PENDING -> FAILED (refused by the customer or by DOKU). */
  fail(
    id: string,
    code: string,
    message: string | null,
  ): Promise<{ changed: boolean; binding: WalletBindingEntity }> {
    return this.move(id, 'FAILED', ['PENDING'], `failure_code = $3, failure_message = $4`, [
      code,
      message,
    ]);
  }

  /**
   * ACTIVE -> UNBOUND: unbound at DOKU by the caller, or unlinked by the customer. The secrets go:
   * nothing can be done with them any more.
   */
  unbind(
    id: string,
    code: string | null,
  ): Promise<{ changed: boolean; binding: WalletBindingEntity }> {
    return this.move(
      id,
      'UNBOUND',
      ['ACTIVE'],
      `customer_token = NULL, customer_token_expires_at = NULL, auth_code = NULL,
       unbound_at = now(), failure_code = $3`,
      [code],
    );
  }

  /** A renewed customer token, kept only while the binding is ACTIVE. */
  async storeToken(id: string, token: StoredCustomerToken): Promise<void> {
    await this.dataSource.query(
      `UPDATE wallet_bindings SET customer_token = $2, customer_token_expires_at = $3, updated_at = now()
       WHERE id = $1 AND status = 'ACTIVE'`,
      [id, token.customerToken, token.expiresAt],
    );
  }

  private async move(
    id: string,
    to: BindingStatus,
    from: BindingStatus[],
    set: string,
    values: unknown[],
  ): Promise<{ changed: boolean; binding: WalletBindingEntity }> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH current AS (
         SELECT id, status FROM wallet_bindings WHERE id = $1 FOR UPDATE
       ), moved AS (
         UPDATE wallet_bindings b SET status = $2, ${set}, updated_at = now()
         FROM current c WHERE b.id = c.id AND c.status = ANY($${values.length + 3}::text[])
         RETURNING b.*, c.status AS was
       ), event AS (
         ${bindingEventRows('moved', this.snapshot)}
       )
       SELECT true AS changed, ${this.all} FROM moved b
       UNION ALL
       SELECT false, ${this.all} FROM wallet_bindings b
       WHERE b.id = $1 AND NOT EXISTS (SELECT 1 FROM moved)`,
      [id, to, ...values, from],
    );
    return { changed: rows[0].changed === true, binding: entityFromRow(this.repo, rows[0]) };
  }
}
