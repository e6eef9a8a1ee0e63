import type { SnapAmount } from '@app/doku-snap';

/**
 * The SNAP operations the simulator answers, one per path: `payment` is the debit payment of every
 * wallet (DANA, ShopeePay, OVO), told apart by `additionalInfo.channel`.
 */
export type SimOperation =
  | 'b2b_token'
  | 'b2b2c_token'
  | 'payment'
  | 'check_status'
  | 'refund'
  | 'account_binding'
  | 'account_unbinding'
  | 'balance_inquiry'
  | 'create_va'
  | 'update_va'
  | 'delete_va'
  | 'va_status'
  | 'qris_generate'
  | 'qris_query'
  | 'qris_cancel'
  | 'qris_refund';

export const SIM_OPERATIONS: readonly SimOperation[] = [
  'b2b_token',
  'b2b2c_token',
  'payment',
  'check_status',
  'refund',
  'account_binding',
  'account_unbinding',
  'balance_inquiry',
  'create_va',
  'update_va',
  'delete_va',
  'va_status',
  'qris_generate',
  'qris_query',
  'qris_cancel',
  'qris_refund',
];

/** Faults can also hit the simulator's own outbound notification to the merchant. */
export type FaultOperation = SimOperation | 'notify';

export type FaultKind = 'http500' | 'http429' | 'timeout' | 'delay' | 'malformed' | 'snap_code';

export interface Fault {
  operation: FaultOperation;
  /** How many of the next calls of `operation` it hits. */
  count: number;
  kind: FaultKind;
  /** `timeout`: how long the answer is held (default 60 s); `delay`: how late it comes. */
  delayMs?: number;
  /** `snap_code`: the 7-digit SNAP code to answer (HTTP status = its first three digits). */
  code?: string;
  message?: string;
  /**
   * `before`: answer badly without doing the operation. `after`: do it (record the payment or
   * refund), then answer badly. Defaults: `after` for timeout and delay, `before` otherwise.
   */
  when?: 'before' | 'after';
}

export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
  /** Merchant pair; the simulator verifies token requests with the public half. Empty when only the public half was given. */
  merchantPrivateKeyPem: string;
  merchantPublicKeyPem: string;
  /** DOKU pair: signs the simulator's token requests and notifications to the merchant. */
  dokuPrivateKeyPem: string;
  dokuPublicKeyPem: string;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  credentials?: Partial<SimulatorCredentials>;
  merchantBaseUrl?: string;
  merchantTokenPath?: string;
  merchantNotifyPath?: string;
  merchantVaNotifyPath?: string;
  merchantQrisNotifyPath?: string;
  notificationForm?: 'HMAC' | 'RSA';
  notificationRetryDelaysMs?: number[];
  tokenTtlSeconds?: number;
  customerTokenTtlSeconds?: number;
  requireDeviceId?: boolean;
  latencyMs?: number;
  publicBaseUrl?: string;
  now?: () => number;
}

/** What can be changed while the simulator runs. */
export interface SimulatorSettings {
  merchantBaseUrl?: string;
  merchantTokenPath: string;
  merchantNotifyPath: string;
  /** Where virtual-account payment notifications go (the merchant's registered URL). */
  merchantVaNotifyPath: string;
  /**
   * QRIS: DOKU documents no notification, so none is sent unless this path is set (third-party
   * code mounts `/v1.0/qr/qr-mpm-notify`).
   */
  merchantQrisNotifyPath?: string;
  notificationForm: 'HMAC' | 'RSA';
  notificationRetryDelaysMs: number[];
  tokenTtlSeconds: number;
  /** Lifetime of the customer (B2B2C) tokens issued from now on. */
  customerTokenTtlSeconds: number;
  requireDeviceId: boolean;
  latencyMs: number;
  publicBaseUrl: string;
}

export type SettingsUpdate = Partial<SimulatorSettings>;

/** A virtual account as the control API shows it. */
export interface VirtualAccountView {
  channel: string;
  /** What the customer types: digits only. */
  number: string;
  /** As DOKU writes it: the BIN space-padded to 8, then the customer number. */
  virtualAccountNo: string;
  trxId: string;
  name: string;
  amount: SnapAmount;
  status: 'OPEN' | 'PAID' | 'INACTIVE' | 'DELETED';
  expiredDate?: string;
  paidAmount?: SnapAmount;
  paymentRequestId?: string;
  howToPayPage: string;
}

/** SNAP `latestTransactionStatus` values a simulated payment goes through. */
export type PaymentStatus = '03' | '00' | '05' | '06';
export type CompletionStatus = '00' | '05' | '06';

export interface RefundView {
  refundNo: string;
  partnerRefundNo: string;
  refundAmount: SnapAmount;
  reason?: string;
  refundTime: string;
  externalId: string;
}

export interface PaymentView {
  partnerReferenceNo: string;
  /** DOKU's channel code, e.g. EMONEY_OVO_SNAP. */
  channel: string;
  /** The binding whose customer token paid it (bound wallets). */
  bindingId?: string;
  referenceNo: string;
  /** X-EXTERNAL-ID of the request that created the payment. */
  externalId: string;
  /** Every X-EXTERNAL-ID that was answered with this payment (idempotent repeats included). */
  externalIds: string[];
  amount: SnapAmount;
  latestTransactionStatus: PaymentStatus;
  transactionStatusDesc: string;
  orderTitle?: string;
  returnUrl: string;
  webRedirectUrl: string;
  createdAt: string;
  paidTime?: string;
  refunds: RefundView[];
  refundedTotal: string;
  /** QRIS: queries the merchant made about it. */
  qrisQueries?: number;
}

/** A wallet account binding as DOKU holds it. */
export type BindingStatus = 'PENDING' | 'ACTIVE' | 'REFUSED' | 'UNBOUND';

export interface BindingView {
  bindingId: string;
  channel: string;
  phoneNo: string;
  custIdMerchant: string;
  status: BindingStatus;
  /** The bound wallet's balance, e.g. "1000000.00". */
  balance: string;
  redirectUrl: string;
  /** Customer tokens issued for it (renewals included). */
  tokensIssued: number;
}

export interface SimulatorCounters {
  /** Requests received per operation (faulted ones included). */
  requests: Record<SimOperation, number>;
  /**
   * Answers per operation and SNAP response code: `timeout` when the answer was held back,
   * `malformed` when garbled, `replay:<original code>` for a same-id same-bytes resend (HTTP 409).
   */
  responses: Record<SimOperation, Record<string, number>>;
  tokenRequests: number;
  tokensIssued: number;
  customerTokensIssued: number;
  paymentsCreated: number;
  /** Same X-EXTERNAL-ID and body sent again: answered 409 with the original body. */
  replays: number;
  /** Refunds actually executed per partnerRefundNo (a repeat that returns the original is not counted). */
  refundsExecuted: Record<string, number>;
  refundsExecutedTotal: number;
  /** Refunded total per partnerReferenceNo, e.g. "5000.00". */
  refundedTotals: Record<string, string>;
  notifications: { attempts: number; delivered: number; failed: number };
}

export interface LogEntry {
  at: string;
  operation: SimOperation | 'unknown';
  method: string;
  path: string;
  /** As received, minus Authorization and X-SIGNATURE. */
  headers: Record<string, string>;
  body: string;
  httpStatus: number;
  /** What the answer carried (`timeout` when held back, `malformed` when garbled). */
  responseCode: string;
  /** For faults injected `after`: what the operation itself answered. */
  processedResponseCode?: string;
  fault?: FaultKind;
  replay?: boolean;
}

export interface DeliveryAttempt {
  /** One id per notification; its retries share it (and its X-EXTERNAL-ID). */
  notificationId: string;
  attempt: number;
  partnerReferenceNo: string;
  latestTransactionStatus: string;
  externalId: string;
  signatureForm: 'HMAC' | 'RSA';
  startedAt: string;
  finishedAt: string;
  /** HTTP status of the merchant's token endpoint, when it was called. */
  tokenStatus?: number;
  /** HTTP status and body of the merchant's notification endpoint, when it was called. */
  status?: number;
  responseBody?: string;
  /** True when the merchant answered 2xx (and no fault overrode it). */
  ok: boolean;
  error?: string;
  fault?: FaultKind;
  /** Milliseconds until the next retry, when one is scheduled. */
  nextRetryInMs?: number;
}

export interface PendingFault extends Required<Pick<Fault, 'operation' | 'kind' | 'when'>> {
  remaining: number;
  delayMs?: number;
  code?: string;
  message?: string;
}

export interface SimulatorControl {
  configure(update: SettingsUpdate): SimulatorSettings;
  settings(): SimulatorSettings;
  inject(fault: Fault): PendingFault[];
  faults(): PendingFault[];
  clearFaults(): void;
  /** Clears faults, counters, log, deliveries, payments, refunds and X-EXTERNAL-IDs (issued tokens stay valid). */
  reset(): void;
  /**
   * What the payment page buttons do; resolves when the first notification attempt finished.
   * `paidAmount` (a fault): DOKU then reports that amount as paid, in its notification and its
   * status answers, instead of the one requested.
   */
  completePayment(
    partnerReferenceNo: string,
    status: CompletionStatus,
    paidAmount?: SnapAmount,
  ): Promise<DeliveryAttempt>;
  /** Sends the payment's current state to the merchant again (a new notification). */
  resendNotification(partnerReferenceNo: string): Promise<DeliveryAttempt>;
  payments(): PaymentView[];
  payment(partnerReferenceNo: string): PaymentView | undefined;
  bindings(): BindingView[];
  /** What the binding page's buttons do: the customer confirms (OTP, PIN) or refuses; the URL DOKU sends them to. */
  completeBinding(bindingId: string, confirm: boolean): string;
  virtualAccounts(): VirtualAccountView[];
  virtualAccount(number: string): VirtualAccountView | undefined;
  /**
   * A bank transfer into the account (`number` digits only, or as DOKU writes it), of its bill or
   * of `amount`; resolves with the first attempt of the payment notification it sends.
   */
  payVirtualAccount(number: string, amount?: SnapAmount): Promise<DeliveryAttempt>;
  /**
   * A customer's wallet pays the QR (what its page's button does); resolves with the first
   * attempt of its notification, or null when none is sent (DOKU's default for QRIS).
   */
  payQr(partnerReferenceNo: string): Promise<DeliveryAttempt | null>;
  /** The customer unlinks the account in the wallet's app: its customer tokens stop working. */
  unlinkBinding(bindingId: string): void;
  counters(): SimulatorCounters;
  log(limit?: number): LogEntry[];
  deliveries(): DeliveryAttempt[];
  credentials(): SimulatorCredentials;
}

export interface RunningSimulator {
  url: string;
  credentials: SimulatorCredentials;
  control: SimulatorControl;
  close(): Promise<void>;
}
