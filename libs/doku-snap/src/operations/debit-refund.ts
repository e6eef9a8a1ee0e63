import { optionalString, requireAmount, requireString, SnapAmount } from './fields';

export const DEBIT_REFUND_PATH = '/direct-debit/core/v1/debit/refund';

export interface RefundInput {
  originalPartnerReferenceNo: string;
  /** X-EXTERNAL-ID of the original payment request. */
  originalExternalId?: string;
  /** Our refund id; DOKU's idempotency key for the refund. */
  partnerRefundNo: string;
  refundAmount: SnapAmount;
  reason?: string;
  /** DOKU's reference of the payment (channels whose refund names it: QRIS). */
  originalReferenceNo?: string;
  /** The merchant's id at the channel (QRIS). */
  merchantId?: string;
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

/** Length limits of a channel's refund fields (OVO takes 32 characters of the original reference). */
export interface RefundLimits {
  originalPartnerReferenceNo: number;
  partnerRefundNo: number;
}

/** The debit refund body of a channel (`dokuChannel` in additionalInfo). */
export function buildDebitRefundBody(
  dokuChannel: string,
  input: RefundInput,
  limits: RefundLimits = { originalPartnerReferenceNo: 64, partnerRefundNo: 64 },
): RefundRequestBody {
  const externalId = optionalString('originalExternalId', input.originalExternalId, 36);
  const reason = optionalString('reason', input.reason, 255);
  const body = {
    originalPartnerReferenceNo: requireString(
      'originalPartnerReferenceNo',
      input.originalPartnerReferenceNo,
      1,
      limits.originalPartnerReferenceNo,
    ),
  } as RefundRequestBody;
  if (externalId) body.originalExternalId = externalId;
  body.partnerRefundNo = requireString(
    'partnerRefundNo',
    input.partnerRefundNo,
    1,
    limits.partnerRefundNo,
  );
  body.refundAmount = requireAmount('refundAmount', input.refundAmount);
  if (reason) body.reason = reason;
  body.additionalInfo = { channel: dokuChannel };
  return body;
}
