import type {
  AnyChannelSpec,
  CustomerContext,
  PaymentAccount,
  PaymentRef,
  QrisTerminal,
} from '@app/doku-snap';

/**
 * A payment request as every channel reads it; each channel's own fields (DANA's device, say) are
 * there too, checked by the request's validation, and read by that channel's adapter alone.
 */
export interface PaymentOrder {
  partnerReferenceNo: string;
  amount: { value: string; currency: string };
}

/**
 * The request fields that only some channels take. Each adapter names those it takes; the service
 * refuses the others (400 naming the field) rather than drop what a caller meant to send.
 */
export const CHANNEL_FIELDS = [
  'returnUrl',
  'deviceId',
  'ipAddress',
  'orderTitle',
  'pointOfInitiation',
  'deepLink',
  'validUpTo',
  'bindingId',
  'failureUrl',
  'customerId',
  'customerName',
  'customerEmail',
  'customerPhone',
] as const;
export type ChannelField = (typeof CHANNEL_FIELDS)[number];

/** What a payment request of a channel turns into: what is stored, and what DOKU is asked. */
export interface ChannelPaymentRequest {
  /** What only this channel takes, kept on the payment (resends and refunds read it again). */
  channelInput: Record<string, unknown>;
  /** The input of the channel's payment operation. */
  dokuInput: unknown;
  /** The payment's deadline when the caller set none and the channel sets one (VA: 24 h). */
  validUpTo?: string;
}

/**
 * What the service gives a payment before its request is built: its deadline when the caller sets
 * none, a virtual account's number, QRIS's terminal. Drawn for a new order, read back from the
 * stored payment for a retry of it, so the retry rebuilds the same bytes.
 */
export interface IssuedTerms {
  defaultValidUpTo: string;
  /** Virtual accounts: the account the service numbers. */
  account?: PaymentAccount;
  /** QRIS: the merchant's terminal (DOKU_QRIS_*). */
  terminal?: QrisTerminal;
}

/** What a channel has the service issue (`IssuedTerms`), and its default deadline. */
export interface ChannelIssues {
  account?: true;
  terminal?: true;
  validityMs: number;
}

/** What the customer needs of DOKU's answer to the payment, and DOKU's reference. */
export interface CustomerAction {
  redirectUrl: string | null;
  referenceNo: string | null;
  /** What else the customer needs to pay, by kind (`{ virtualAccount: {...} }`). */
  instructions?: Record<string, unknown>;
}

/**
 * The service's side of a channel: what its callers send, and what DOKU's answers mean to them.
 * The protocol (paths, bodies, headers, status codes) is the channel's spec in the library.
 */
export interface ChannelAdapter {
  readonly spec: AnyChannelSpec;
  /** The channel fields its payments must carry, and those they may. */
  readonly fields: { required: readonly ChannelField[]; optional: readonly ChannelField[] };
  /**
   * The caller's request as this channel takes it (its body validated by the library's builder
   * when the request is prepared; the fields checked against `fields` before this is called).
   */
  paymentRequest(order: PaymentOrder, issued?: IssuedTerms): ChannelPaymentRequest;
  /** Set: its payments get `IssuedTerms` (above) before their request is built. */
  readonly issues?: ChannelIssues;
  /**
   * DOKU sends no outcome of its payments: they are confirmed by querying on a cadence
   * (QRIS_QUERY_INTERVALS_MS) from when the customer has what they need.
   */
  readonly confirmsByQuery?: true;
  /** What DOKU's later calls about a stored payment must name besides its references. */
  reference?(channelInput: Record<string, unknown>): Partial<PaymentRef>;
  /**
   * The customer headers' input, from what the payment stored (a bound wallet's customer token
   * is added by the bindings feature: it is not stored with the payment).
   */
  customer(channelInput: Record<string, unknown>): CustomerContext;
  /** The binding a payment is paid from (bound wallets). */
  bindingId?(channelInput: Record<string, unknown>): string;
  /** What the customer needs from DOKU's answer to the payment request. */
  customerAction(answer: unknown, channelInput: Record<string, unknown>): CustomerAction;
}
