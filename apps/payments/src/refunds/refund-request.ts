import { AnyChannelSpec, compactJson } from '@app/doku-snap';
import type { PaymentEntity, RefundEntity } from '@app/persistence';

/**
 * The bytes of a refund's DOKU request, from the refund, its payment and the payment's channel.
 * Computed once: the API fixes them at accept time (or a worker at its first claim), and every
 * call resends them.
 */
export function refundRequestBody(
  channel: AnyChannelSpec,
  refund: Pick<RefundEntity, 'partnerRefundNo' | 'amountValue' | 'currency' | 'reason'>,
  payment: Pick<PaymentEntity, 'partnerReferenceNo' | 'externalId'>,
): string {
  if (!channel.refund) throw new Error(`channel ${channel.channel} takes no refund`);
  return compactJson(
    channel.refund.body({
      originalPartnerReferenceNo: payment.partnerReferenceNo,
      originalExternalId: payment.externalId,
      partnerRefundNo: refund.partnerRefundNo,
      refundAmount: { value: refund.amountValue, currency: refund.currency },
      // An empty reason (accepted before the API refused it) is no reason: DOKU wants 1-255.
      reason: refund.reason || undefined,
    }),
  );
}
