import { DANA_CHANNEL, optionalString, requireAmount, requireString, SnapAmount } from './fields';

export const REFUND_PATH = '/direct-debit/core/v1/debit/refund';

export interface RefundInput {
  originalPartnerReferenceNo: string;
  /** X-EXTERNAL-ID of the original payment request. */
  originalExternalId?: string;
  /** Our refund id; DOKU's idempotency key for the refund. */
  partnerRefundNo: string;
  refundAmount: SnapAmount;
  reason?: string;
}

export interface RefundRequestBody {
  originalPartnerReferenceNo: string;
  originalExternalId?: string;
  partnerRefundNo: string;
  refundAmount: SnapAmount;
  reason?: string;
  additionalInfo: { channel: string };
}

export interface RefundResponse {
  responseCode: string;
  responseMessage: string;
  refundNo?: string;
  partnerRefundNo?: string;
  originalPartnerReferenceNo?: string;
  originalReferenceNo?: string;
  refundAmount?: SnapAmount;
  refundTime?: string;
  [key: string]: unknown;
}

export function buildRefundBody(input: RefundInput): RefundRequestBody {
  const externalId = optionalString('originalExternalId', input.originalExternalId, 36);
  const reason = optionalString('reason', input.reason, 255);
  return {
    originalPartnerReferenceNo: requireString(
      'originalPartnerReferenceNo',
      input.originalPartnerReferenceNo,
      1,
      64,
    ),
    ...(externalId ? { originalExternalId: externalId } : {}),
    partnerRefundNo: requireString('partnerRefundNo', input.partnerRefundNo, 1, 64),
    refundAmount: requireAmount('refundAmount', input.refundAmount),
    ...(reason ? { reason } : {}),
    additionalInfo: { channel: DANA_CHANNEL },
  };
}
