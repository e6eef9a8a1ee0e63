import {
  buildDebitRefundBody,
  DEBIT_REFUND_PATH,
  RefundInput,
  RefundResponse,
} from '../operations/debit-refund';
import {
  buildDebitStatusBody,
  CheckStatusInput,
  CheckStatusResponse,
  DEBIT_STATUS_PATH,
} from '../operations/debit-status';
import type {
  BindingSpec,
  ChannelKind,
  ChannelLimits,
  ChannelSpec,
  CustomerContext,
  NotificationSpec,
  SnapOperationSpec,
  SnapPaymentState,
} from './channel-spec';
import { noCustomerHeaders } from './customer-headers';

/**
 * What the direct-debit family of channels (e-wallets and bank debit) shares: status, refund and
 * notification under `/direct-debit/core` and `/orders/v1.0/debit`, told apart by DOKU's code.
 */

/**
 * What SNAP's amount field can carry: the wallets' own limits (balance caps, per-transaction
 * maximums) are enforced by the wallet when the customer pays, and DOKU publishes none per channel.
 */
export const SNAP_AMOUNT_RANGE = { minimum: '1.00', maximum: '9999999999999999.99' } as const;

export const DEBIT_NOTIFICATION: NotificationSpec = {
  path: '/v1.0/debit/notify',
  serviceCode: '56',
  // What DOKU's SDK validator lets through in a notification.
  statuses: ['00', '03', '04', '05', '06'],
};

/**
 * SNAP's latestTransactionStatus: 00 success, 04 refunded (it was paid first), 05 cancelled,
 * 06 failed; 01 initiated, 02 paying, 03 pending, 07 not found are not final.
 */
export function debitPaymentState(latest: string | undefined): SnapPaymentState | undefined {
  switch (latest) {
    case '00':
    case '04':
      return 'PAID';
    case '05':
      return 'CANCELLED';
    case '06':
      return 'FAILED';
    default:
      return undefined;
  }
}

export function debitStatus(
  dokuChannel: string,
  limits: ChannelLimits,
): SnapOperationSpec<CheckStatusInput, CheckStatusResponse> {
  return {
    name: 'check_status',
    method: 'POST',
    path: DEBIT_STATUS_PATH,
    serviceCode: '55',
    body: (input) => buildDebitStatusBody(dokuChannel, input, limits.partnerReferenceNo),
    headers: noCustomerHeaders,
  };
}

export function debitRefund(
  dokuChannel: string,
  limits: ChannelLimits,
  headers: (customer: CustomerContext) => Record<string, string>,
): SnapOperationSpec<RefundInput, RefundResponse> {
  return {
    name: 'refund',
    method: 'POST',
    path: DEBIT_REFUND_PATH,
    serviceCode: '58',
    body: (input) =>
      buildDebitRefundBody(dokuChannel, input, {
        originalPartnerReferenceNo: limits.refundOriginalPartnerReferenceNo,
        partnerRefundNo: limits.partnerRefundNo,
      }),
    headers,
  };
}

/** What a wallet of the debit family declares; the rest is the family's. */
export interface DebitWallet<PaymentInput, PaymentResponse> {
  channel: string;
  dokuChannel: string;
  kind: ChannelKind;
  limits: ChannelLimits;
  payment: SnapOperationSpec<PaymentInput, PaymentResponse>;
  /** The customer headers its refund carries (the payment's, as DOKU's SDK validators want). */
  refundHeaders: (customer: CustomerContext) => Record<string, string>;
  binding?: BindingSpec;
}

/** A wallet of the debit family: its payment, and the family's status, refund and notification. */
export function debitWallet<PaymentInput, PaymentResponse>(
  wallet: DebitWallet<PaymentInput, PaymentResponse>,
): ChannelSpec<PaymentInput, PaymentResponse> {
  const { dokuChannel, limits } = wallet;
  return {
    channel: wallet.channel,
    dokuChannel,
    kind: wallet.kind,
    payment: wallet.payment,
    status: debitStatus(dokuChannel, limits),
    statusReport: (body) => body as CheckStatusResponse | undefined,
    refund: debitRefund(dokuChannel, limits, wallet.refundHeaders),
    notification: DEBIT_NOTIFICATION,
    ...(wallet.binding ? { binding: wallet.binding } : {}),
    limits,
    paymentState: debitPaymentState,
  };
}
