import { fromMinor } from './money';
import type { Payment, Refund } from './state';
import type { PaymentStatus, PaymentView, RefundView } from './types';

export const STATUS_DESC: Record<PaymentStatus, string> = {
  '00': 'Success',
  '03': 'Pending',
  '05': 'Cancelled',
  '06': 'Failed',
};

export function paymentPageUrl(publicBaseUrl: string, payment: Payment): string {
  return `${publicBaseUrl}/pay/${payment.pageId}`;
}

/** A payment's refunds as a status answer lists them (`refundHistory`). */
export function refundHistoryOf(payment: Payment): Record<string, unknown>[] {
  return payment.refunds.map((r) => ({
    refundNo: r.refundNo,
    partnerReferenceNo: r.partnerRefundNo,
    refundAmount: r.refundAmount,
    refundStatus: 'SUCCESS',
    refundDate: r.refundTime,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
  }));
}

export function refundView(refund: Refund): RefundView {
  return {
    refundNo: refund.refundNo,
    partnerRefundNo: refund.partnerRefundNo,
    refundAmount: { ...refund.refundAmount },
    ...(refund.reason !== undefined ? { reason: refund.reason } : {}),
    refundTime: refund.refundTime,
    externalId: refund.externalId,
  };
}

/** A detached, JSON-safe copy: callers cannot reach into the live state through it. */
export function paymentView(payment: Payment, publicBaseUrl: string): PaymentView {
  return {
    partnerReferenceNo: payment.partnerReferenceNo,
    channel: payment.channel,
    ...(payment.bindingId !== undefined ? { bindingId: payment.bindingId } : {}),
    referenceNo: payment.referenceNo,
    externalId: payment.externalId,
    externalIds: [...payment.externalIds],
    amount: { ...payment.amount },
    latestTransactionStatus: payment.status,
    transactionStatusDesc: STATUS_DESC[payment.status],
    ...(payment.orderTitle !== undefined ? { orderTitle: payment.orderTitle } : {}),
    returnUrl: payment.returnUrl,
    webRedirectUrl: paymentPageUrl(publicBaseUrl, payment),
    createdAt: new Date(payment.createdAtMs).toISOString(),
    ...(payment.paidTime !== undefined ? { paidTime: payment.paidTime } : {}),
    refunds: payment.refunds.map(refundView),
    refundedTotal: fromMinor(payment.refundedMinor),
    ...(payment.qrisQueries !== undefined ? { qrisQueries: payment.qrisQueries } : {}),
  };
}
