import type { CheckStatusInput, CheckStatusResponse } from '../operations/debit-status';
import type { RefundInput, RefundResponse } from '../operations/debit-refund';
import type {
  AccountBindingInput,
  AccountBindingResponse,
  AccountUnbindingInput,
  AccountUnbindingResponse,
  BalanceInquiryResponse,
} from '../operations/account-binding';

export type SnapMethod = 'POST' | 'PUT' | 'DELETE';

/**
 * Who is paying, as SNAP carries it in headers: the device of redirect wallets (X-DEVICE-ID,
 * X-IP-ADDRESS) and the customer token of bound accounts (Authorization-Customer). Each operation
 * takes what its channel needs and validates it.
 */
export interface CustomerContext {
  deviceId?: string;
  ipAddress?: string;
  /** The B2B2C token of a bound account: a secret, redacted from every log line. */
  customerToken?: string;
}

/**
 * One SNAP call of a channel, declared: where it goes, how its body is built (validated, in
 * DOKU's field order) and which customer headers it carries. `Response` types the answer.
 */
export interface SnapOperationSpec<Input, Response = unknown> {
  /** Its name in logs and metrics (a bounded label). */
  readonly name: string;
  readonly method: SnapMethod;
  readonly path: string;
  /** SNAP service code: the middle two digits of every response code of this call. */
  readonly serviceCode: string;
  /** Throws SnapValidationError naming the field. */
  body(input: Input): object;
  /** Throws SnapValidationError naming the header. */
  headers(customer: CustomerContext): Record<string, string>;
  /** Never set: carries the response type to `send`. */
  readonly response?: Response;
}

/** What a payment's final state is, in SNAP's words turned into ours. */
export type SnapPaymentState = 'PAID' | 'FAILED' | 'CANCELLED';

/** A notification DOKU sends about a channel's payments. */
export interface NotificationSpec {
  /** The merchant path DOKU posts to (registered in DOKU's Back Office). */
  readonly path: string;
  readonly serviceCode: string;
  /** The `latestTransactionStatus` values it may carry. */
  readonly statuses: readonly string[];
}

/** Length and amount limits that differ between channels. */
export interface ChannelLimits {
  /** Amounts a payment of the channel may have, as SNAP decimals ("1.00"). */
  readonly amount: { readonly minimum: string; readonly maximum: string };
  readonly partnerReferenceNo: number;
  /** The original reference as a refund carries it (OVO: 32). */
  readonly refundOriginalPartnerReferenceNo: number;
  readonly partnerRefundNo: number;
}

/**
 * How the customer pays, which says what they need from a payment: a wallet's checkout
 * (`redirectUrl`), or a wallet account bound beforehand (a binding and its customer token).
 */
export type ChannelKind = 'ewallet_redirect' | 'ewallet_binding' | 'virtual_account' | 'qris';

/**
 * The account a payment is paid into, for channels where the merchant issues one (a virtual
 * account: the bank's BIN and the customer number the merchant drew).
 */
export interface PaymentAccount {
  bin: string;
  customerNo: string;
}

/** What a status inquiry or a cancel needs to name a payment at DOKU. */
export interface PaymentRef extends CheckStatusInput {
  /** Channels whose payments live in an account the merchant issued (virtual accounts). */
  account?: PaymentAccount;
  /** Channels whose calls name the merchant's own id there (QRIS: DOKU's QRIS merchant id). */
  merchantId?: string;
}

/**
 * What a status answer says about the payment, in the debit family's words: a channel whose
 * answer has another shape (virtual accounts) reads it into these.
 */
export type StatusReport = Pick<
  CheckStatusResponse,
  | 'latestTransactionStatus'
  | 'transactionStatusDesc'
  | 'paidTime'
  | 'transAmount'
  | 'originalReferenceNo'
  | 'refundHistory'
>;

/**
 * The account binding of a wallet that pays from a bound account (OVO): binding and unbinding,
 * the balance, and which answers of DOKU's customer-token exchange say the customer unlinked.
 */
export interface BindingSpec {
  readonly accountBinding: SnapOperationSpec<AccountBindingInput, AccountBindingResponse>;
  readonly accountUnbinding: SnapOperationSpec<AccountUnbindingInput, AccountUnbindingResponse>;
  readonly balance: SnapOperationSpec<void, BalanceInquiryResponse>;
  /** DOKU's answer to the customer-token exchange says the binding is gone (4017400 and kin). */
  unlinked(responseCode: string | undefined): boolean;
}

/**
 * A channel as DOKU offers it: its code and every SNAP operation of its payments. Adding a channel
 * is adding one of these to the registry; nothing else in the library branches on channels.
 */
export interface ChannelSpec<PaymentInput = unknown, PaymentResponse = unknown> {
  /** Our name (the API's `channel`), e.g. `DANA`. */
  readonly channel: string;
  /** DOKU's code, e.g. `EMONEY_DANA_SNAP` (`additionalInfo.channel`). */
  readonly dokuChannel: string;
  readonly kind: ChannelKind;
  readonly payment: SnapOperationSpec<PaymentInput, PaymentResponse>;
  readonly status: SnapOperationSpec<PaymentRef, unknown>;
  /** The status answer's body as a report (undefined: not a body this channel answers). */
  statusReport(body: unknown): StatusReport | undefined;
  /** Absent: an open payment of the channel cannot be closed at DOKU. */
  readonly cancel?: SnapOperationSpec<PaymentRef, unknown>;
  /** Absent: the channel cannot refund. */
  readonly refund?: SnapOperationSpec<RefundInput, RefundResponse>;
  readonly notification: NotificationSpec;
  /** Present for wallets that pay from a bound account: their payments need a binding. */
  readonly binding?: BindingSpec;
  readonly limits: ChannelLimits;
  /** A reported `latestTransactionStatus` as a final state; undefined while it is not final. */
  paymentState(latestTransactionStatus: string | undefined): SnapPaymentState | undefined;
}

/** A channel of any payment input and answer, as a registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyChannelSpec = ChannelSpec<any, any>;
