import { compactJson } from '@app/doku-snap';
import type { PaymentEntity, RefundEntity } from '@app/persistence';
import type { ChannelAdapter } from '../channels/channel-adapter';

/**
 * The bytes of a refund's DOKU request, from the refund, its payment and the payment's channel.
 * Computed once: the API fixes them at accept time (or a worker at its first claim), and every
 * call resends them.
 */
export function refundRequestBody(
  adapter: ChannelAdapter,
  refund: Pick<RefundEntity, 'partnerRefundNo' | 'amountValue' | 'currency' | 'reason'>,
  payment: Pick<
    PaymentEntity,
    'partnerReferenceNo' | 'externalId' | 'referenceNo' | 'channelInput'
  >,
): string {
  const channel = adapter.spec;
  if (!channel.refund) throw new Error(`channel ${channel.channel} takes no refund`);
  return compactJson(
    channel.refund.body({
      originalPartnerReferenceNo: payment.partnerReferenceNo,
      originalExternalId: payment.externalId,
      ...(payment.referenceNo ? { originalReferenceNo: payment.referenceNo } : {}),
      merchantId: adapter.reference?.(payment.channelInput).merchantId,
      partnerRefundNo: refund.partnerRefundNo,
      refundAmount: { value: refund.amountValue, currency: refund.currency },
      // An empty reason (accepted before the API refused it) is no reason: DOKU wants 1-255.
      reason: refund.reason || undefined,
    }),
  );
}
