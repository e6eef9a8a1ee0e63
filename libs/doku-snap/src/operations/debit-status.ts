import { optionalString, requireString, SnapAmount } from './fields';

export const DEBIT_STATUS_PATH = '/orders/v1.0/debit/status';

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

/**
 * The debit check status body of a channel (`dokuChannel` in additionalInfo). DOKU wants
 * serviceCode "55" here, not SNAP's code of the original payment (54): it refuses anything else.
 */
export function buildDebitStatusBody(
  dokuChannel: string,
  input: CheckStatusInput,
  partnerReferenceNoMax = 64,
): CheckStatusRequestBody {
  const originalPartnerReferenceNo = requireString(
    'originalPartnerReferenceNo',
    input.originalPartnerReferenceNo,
    1,
    partnerReferenceNoMax,
  );
  const referenceNo = optionalString('originalReferenceNo', input.originalReferenceNo, 64);
  const externalId = optionalString('originalExternalId', input.originalExternalId, 36);
  const body = { originalPartnerReferenceNo } as CheckStatusRequestBody;
  if (referenceNo) body.originalReferenceNo = referenceNo;
  if (externalId) body.originalExternalId = externalId;
  body.serviceCode = '55';
  body.additionalInfo = { channel: dokuChannel };
  return body;
}
