import { DANA_CHANNEL, optionalString, requireString, SnapAmount } from './fields';

export const CHECK_STATUS_PATH = '/orders/v1.0/debit/status';

export interface CheckStatusInput {
  originalPartnerReferenceNo: string;
  originalReferenceNo?: string;
  /** X-EXTERNAL-ID of the payment request. */
  originalExternalId?: string;
}

export interface CheckStatusRequestBody {
  originalPartnerReferenceNo: string;
  originalReferenceNo?: string;
  originalExternalId?: string;
  serviceCode: '55';
  additionalInfo: { channel: string };
}

export interface RefundHistoryEntry {
  refundNo?: string;
  partnerReferenceNo?: string;
  refundAmount?: SnapAmount;
  refundStatus?: string;
  refundDate?: string;
  reason?: string;
}

export interface CheckStatusResponse {
  responseCode: string;
  responseMessage: string;
  originalPartnerReferenceNo?: string;
  originalReferenceNo?: string;
  originalExternalId?: string;
  serviceCode?: string;
  /** 00 success, 01 initiated, 02 paying, 03 pending, 04 refunded, 05 cancelled, 06 failed, 07 not found. */
  latestTransactionStatus?: string;
  transactionStatusDesc?: string;
  paidTime?: string;
  transAmount?: SnapAmount;
  refundHistory?: RefundHistoryEntry[];
  [key: string]: unknown;
}

export function buildCheckStatusBody(input: CheckStatusInput): CheckStatusRequestBody {
  const body: CheckStatusRequestBody = {
    originalPartnerReferenceNo: requireString(
      'originalPartnerReferenceNo',
      input.originalPartnerReferenceNo,
      1,
      64,
    ),
    serviceCode: '55',
    additionalInfo: { channel: DANA_CHANNEL },
  };
  const referenceNo = optionalString('originalReferenceNo', input.originalReferenceNo, 64);
  const externalId = optionalString('originalExternalId', input.originalExternalId, 36);
  const { originalPartnerReferenceNo, serviceCode, additionalInfo } = body;
  return {
    originalPartnerReferenceNo,
    ...(referenceNo ? { originalReferenceNo: referenceNo } : {}),
    ...(externalId ? { originalExternalId: externalId } : {}),
    serviceCode,
    additionalInfo,
  };
}
