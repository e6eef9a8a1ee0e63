import type { AnyChannelSpec, CustomerContext } from '@app/doku-snap';

/**
 * A payment request as every channel reads it; each channel's own fields (DANA's device, say) are
 * there too, checked by the request's validation, and read by that channel's adapter alone.
 */
export interface PaymentOrder {
  partnerReferenceNo: string;
  amount: { value: string; currency: string };
  validUpTo?: string;
}

/** What a payment request of a channel turns into: what is stored, and what DOKU is asked. */
export interface ChannelPaymentRequest {
  /** What only this channel takes, kept on the payment (resends and refunds read it again). */
  channelInput: Record<string, unknown>;
  /** The input of the channel's payment operation. */
  dokuInput: unknown;
}

/** What the customer needs of DOKU's answer to the payment, and DOKU's reference. */
export interface CustomerAction {
  redirectUrl: string | null;
  referenceNo: string | null;
}

/**
 * The service's side of a channel: what its callers send, and what DOKU's answers mean to them.
 * The protocol (paths, bodies, headers, status codes) is the channel's spec in the library.
 */
export interface ChannelAdapter {
  readonly spec: AnyChannelSpec;
  /** The caller's request as this channel takes it (validated by the library's builders). */
  paymentRequest(order: PaymentOrder): ChannelPaymentRequest;
  /** The customer headers' input, from what the payment stored. */
  customer(channelInput: Record<string, unknown>): CustomerContext;
  /** What the customer needs from DOKU's answer to the payment request. */
  customerAction(answer: unknown): CustomerAction;
}
