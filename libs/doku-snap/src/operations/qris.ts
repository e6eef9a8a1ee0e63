import {
  optionalString,
  optionalTimestamp,
  requireAmount,
  requireString,
  SnapAmount,
} from './fields';

/**
 * QRIS MPM under SNAP (doku-channels.md section 4). Generate is DOKU's documented path (service
 * 47); query, cancel and refund follow DOKU's page's list and third-party clients, their bodies
 * ASPI's: inferred, kept here as the one place to correct them.
 */
export const QRIS_GENERATE_PATH = '/snap-adapter/b2b/v1.0/qr/qr-mpm-generate';
export const QRIS_QUERY_PATH = '/snap-adapter/b2b/v1.0/qr/qr-mpm-query';
export const QRIS_CANCEL_PATH = '/snap-adapter/b2b/v1.0/qr/qr-mpm-cancel';
export const QRIS_REFUND_PATH = '/snap-adapter/b2b/v1.0/qr/qr-mpm-refund';

/** The QRIS credentials DOKU issues the merchant (not its client id). */
export interface QrisTerminal {
  merchantId: string;
  terminalId: string;
  postalCode: string;
}

export interface QrisGenerateInput {
  partnerReferenceNo: string;
  amount: SnapAmount;
  terminal: QrisTerminal;
  /** Until when the QR can be paid, ISO-8601 with offset. */
  validityPeriod?: string;
}

export interface QrisGenerateResponse {
  responseCode: string;
  responseMessage: string;
  referenceNo?: string;
  partnerReferenceNo?: string;
  /** The EMV string the QR encodes. */
  qrContent?: string;
  terminalId?: string;
  additionalInfo?: { validityPeriod?: string };
  [key: string]: unknown;
}

const terminalFields = (terminal: QrisTerminal) => ({
  merchantId: requireString('merchantId', terminal.merchantId, 1, 64),
  terminalId: requireString('terminalId', terminal.terminalId, 1, 16),
});

/**
 * The generate body as a production client sends it: `feeType` "1" (no fee) and the postal code
 * in additionalInfo.
 */
export function buildQrisGenerateBody(input: QrisGenerateInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    partnerReferenceNo: requireString('partnerReferenceNo', input.partnerReferenceNo, 1, 64),
    amount: requireAmount('amount', input.amount),
    ...terminalFields(input.terminal),
  };
  const validity = optionalTimestamp('validityPeriod', input.validityPeriod);
  if (validity) body.validityPeriod = validity;
  body.additionalInfo = {
    postalCode: requireString('additionalInfo.postalCode', input.terminal.postalCode, 1, 10),
    feeType: '1',
  };
  return body;
}

export interface QrisRefInput {
  originalPartnerReferenceNo: string;
  /** DOKU's reference of the QR (generate's `referenceNo`). */
  originalReferenceNo?: string;
  terminal: Pick<QrisTerminal, 'merchantId'>;
}

/** Query (ASPI): the QR by DOKU's and our reference; serviceCode of the original, 47. */
export function buildQrisQueryBody(input: QrisRefInput): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const referenceNo = optionalString('originalReferenceNo', input.originalReferenceNo, 64);
  if (referenceNo) body.originalReferenceNo = referenceNo;
  body.originalPartnerReferenceNo = requireString(
    'originalPartnerReferenceNo',
    input.originalPartnerReferenceNo,
    1,
    64,
  );
  body.serviceCode = '47';
  body.merchantId = requireString('merchantId', input.terminal.merchantId, 1, 64);
  return body;
}

/** A cancel's or refund's first fields: our reference, then DOKU's when known. */
function originalRefs(input: QrisRefInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    originalPartnerReferenceNo: requireString(
      'originalPartnerReferenceNo',
      input.originalPartnerReferenceNo,
      1,
      64,
    ),
  };
  const referenceNo = optionalString('originalReferenceNo', input.originalReferenceNo, 64);
  if (referenceNo) body.originalReferenceNo = referenceNo;
  return body;
}

/** Cancel (ASPI): an unpaid QR closed before it expires. */
export function buildQrisCancelBody(
  input: QrisRefInput & { reason?: string },
): Record<string, unknown> {
  const body = originalRefs(input);
  body.merchantId = requireString('merchantId', input.terminal.merchantId, 1, 64);
  body.reason = optionalString('reason', input.reason, 255) ?? 'Cancelled by the merchant';
  return body;
}

export interface QrisRefundInput extends QrisRefInput {
  partnerRefundNo: string;
  refundAmount: SnapAmount;
  reason?: string;
}

/** Refund (ASPI): full or partial, by our refund number. */
export function buildQrisRefundBody(input: QrisRefundInput): Record<string, unknown> {
  const body = originalRefs(input);
  body.partnerRefundNo = requireString('partnerRefundNo', input.partnerRefundNo, 1, 64);
  body.refundAmount = requireAmount('refundAmount', input.refundAmount);
  const reason = optionalString('reason', input.reason, 255);
  if (reason) body.reason = reason;
  body.merchantId = requireString('merchantId', input.terminal.merchantId, 1, 64);
  return body;
}
