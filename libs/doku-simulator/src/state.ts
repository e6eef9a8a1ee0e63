import { randomBytes, randomInt } from 'node:crypto';
import type { SnapAmount } from '@app/doku-snap';
import { ExternalIdRegistry } from './idempotency';
import type { BindingStatus, PaymentStatus } from './types';

export interface IssuedToken {
  clientId: string;
  expiresAtMs: number;
}

export interface Refund {
  refundNo: string;
  partnerRefundNo: string;
  partnerReferenceNo: string;
  refundAmount: SnapAmount;
  minor: bigint;
  reason?: string;
  refundTime: string;
  externalId: string;
  /** The original 2005800 body fields, returned again for a repeat of this partnerRefundNo. */
  fields: Record<string, unknown>;
}

export interface Binding {
  bindingId: string;
  pageId: string;
  /** DOKU's channel code. */
  channel: string;
  phoneNo: string;
  custIdMerchant: string;
  successUrl: string;
  failureUrl: string;
  status: BindingStatus;
  /** Issued when the customer confirms; exchanged for customer tokens while the binding holds. */
  authCode?: string;
  balanceMinor: bigint;
  tokensIssued: number;
}

export interface CustomerToken {
  bindingId: string;
  expiresAtMs: number;
}

export interface Payment {
  pageId: string;
  /** DOKU's channel code (additionalInfo.channel). */
  channel: string;
  /** The binding whose customer token made the payment (bound wallets). */
  bindingId?: string;
  partnerReferenceNo: string;
  referenceNo: string;
  externalId: string;
  externalIds: Set<string>;
  /** The request body as parsed and re-serialized: a repeat with other data is told apart by it. */
  fingerprint: string;
  amount: SnapAmount;
  minor: bigint;
  returnUrl: string;
  orderTitle?: string;
  status: PaymentStatus;
  createdAtMs: number;
  /** Its validUpTo: after it, the customer can no longer pay (DANA's checkout closes). */
  validUpToMs?: number;
  paidTime?: string;
  refunds: Refund[];
  refundedMinor: bigint;
  /** QRIS: the EMV string DOKU generated for it. */
  qrContent?: string;
  /** QRIS: how many queries the merchant made about it (what confirming it cost). */
  qrisQueries?: number;
}

/** What the customer types at the bank: the VA number without its padding. */
export const typedNumber = (virtualAccountNo: string) => virtualAccountNo.replace(/ /g, '');

/** OPEN takes a transfer; PAID took one; INACTIVE was deactivated by an update; DELETED by a delete. */
export type VirtualAccountStatus = 'OPEN' | 'PAID' | 'INACTIVE' | 'DELETED';

/** What a create (or update) VA says of the account. */
export interface VirtualAccountTerms {
  /** DOKU's channel code (VIRTUAL_ACCOUNT_BCA ...). */
  channel: string;
  partnerServiceId: string;
  customerNo: string;
  /** Padded BIN + customer number, as DOKU writes it. */
  virtualAccountNo: string;
  name: string;
  email?: string;
  phone?: string;
  trxId: string;
  amount: SnapAmount;
  expiredDate?: string;
}

export interface VirtualAccount extends VirtualAccountTerms {
  pageId: string;
  expiresAtMs?: number;
  status: VirtualAccountStatus;
  /** The create body as parsed and re-serialized: a repeat with other data is a conflict. */
  fingerprint: string;
  createdAtMs: number;
  paidAmount?: SnapAmount;
  paymentRequestId?: string;
  paidTime?: string;
}

/**
 * Everything the simulated DOKU remembers. Plain maps, mutated synchronously: a check and the
 * write it guards never have an await between them, so concurrent calls cannot interleave.
 */
export class SimulatorState {
  readonly tokens = new Map<string, IssuedToken>();
  readonly payments = new Map<string, Payment>();
  readonly pages = new Map<string, Payment>();
  readonly refunds = new Map<string, Refund>();
  readonly bindings = new Map<string, Binding>();
  readonly bindingPages = new Map<string, Binding>();
  readonly authCodes = new Map<string, Binding>();
  readonly customerTokens = new Map<string, CustomerToken>();
  /** By the number the customer types (`virtualAccountNo` without its padding). */
  readonly virtualAccounts = new Map<string, VirtualAccount>();
  readonly virtualAccountPages = new Map<string, VirtualAccount>();
  readonly virtualAccountTrxIds = new Map<string, VirtualAccount>();
  readonly externalIds = new ExternalIdRegistry();
  private sequence = randomInt(0, 1_000_000);

  /** Expired tokens are dropped now and then rather than on every request. */
  pruneTokens(nowMs: number): void {
    for (const [token, issued] of this.tokens) {
      if (issued.expiresAtMs <= nowMs) this.tokens.delete(token);
    }
  }

  /** DOKU-style reference: a 20-digit string (epoch ms + a sequence), unique in this process. */
  nextReference(nowMs: number): string {
    this.sequence = (this.sequence + 1) % 10_000_000;
    return String(Math.trunc(nowMs)).padStart(13, '0') + String(this.sequence).padStart(7, '0');
  }

  newPageId(): string {
    return randomBytes(12).toString('hex');
  }

  addBinding(binding: Binding): void {
    this.bindings.set(binding.bindingId, binding);
    this.bindingPages.set(binding.pageId, binding);
  }

  /** The customer token's binding, or why the token does not stand for one. */
  bindingOfToken(token: string, nowMs: number): Binding | 'unknown' | 'expired' | 'unbound' {
    const issued = this.customerTokens.get(token);
    if (!issued) return 'unknown';
    if (issued.expiresAtMs <= nowMs) return 'expired';
    const binding = this.bindings.get(issued.bindingId);
    return binding?.status === 'ACTIVE' ? binding : 'unbound';
  }

  addPayment(payment: Payment): void {
    this.payments.set(payment.partnerReferenceNo, payment);
    this.pages.set(payment.pageId, payment);
  }

  addVirtualAccount(account: VirtualAccount): void {
    this.virtualAccounts.set(typedNumber(account.virtualAccountNo), account);
    this.virtualAccountPages.set(account.pageId, account);
    this.virtualAccountTrxIds.set(account.trxId, account);
  }

  /** Business state only: issued tokens stay valid so callers' cached tokens keep working. */
  clear(): void {
    this.virtualAccounts.clear();
    this.virtualAccountPages.clear();
    this.virtualAccountTrxIds.clear();
    this.payments.clear();
    this.pages.clear();
    this.refunds.clear();
    this.bindings.clear();
    this.bindingPages.clear();
    this.authCodes.clear();
    this.customerTokens.clear();
    this.externalIds.clear();
  }
}
