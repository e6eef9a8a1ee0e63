import { SnapValidationError } from '../errors';
import type { RefundInput } from '../operations/debit-refund';
import {
  buildQrisCancelBody,
  buildQrisGenerateBody,
  buildQrisQueryBody,
  buildQrisRefundBody,
  QRIS_CANCEL_PATH,
  QRIS_GENERATE_PATH,
  QRIS_QUERY_PATH,
  QRIS_REFUND_PATH,
  QrisGenerateInput,
  QrisGenerateResponse,
} from '../operations/qris';
import type { SnapAmount } from '../operations/fields';
import type { ChannelLimits, ChannelSpec, PaymentRef, StatusReport } from './channel-spec';
import { debitPaymentState } from './debit';

/**
 * Bank Indonesia's QRIS limit per transaction, IDR 10,000,000 (since 2022); DOKU publishes none
 * of its own.
 */
const LIMITS: ChannelLimits = {
  amount: { minimum: '1.00', maximum: '10000000.00' },
  partnerReferenceNo: 64,
  refundOriginalPartnerReferenceNo: 64,
  partnerRefundNo: 64,
};

/** Every QRIS call goes host to host (a production client's CHANNEL-ID). */
const qrisHeaders = (): Record<string, string> => ({ 'CHANNEL-ID': 'H2H' });

function merchantOf(merchantId: string | undefined): { merchantId: string } {
  if (!merchantId) throw new SnapValidationError('merchantId', 'the payment has no QRIS merchant');
  return { merchantId };
}

const refOf = (ref: PaymentRef) => ({
  originalPartnerReferenceNo: ref.originalPartnerReferenceNo,
  originalReferenceNo: ref.originalReferenceNo,
  terminal: merchantOf(ref.merchantId),
});

/** The query's answer (ASPI: `amount`, not `transAmount`) in the debit family's words. */
function qrisStatusReport(body: unknown): StatusReport | undefined {
  const answer = body as
    (StatusReport & { amount?: SnapAmount; transAmount?: SnapAmount }) | undefined;
  if (!answer || typeof answer !== 'object') return undefined;
  const transAmount = answer.transAmount ?? answer.amount;
  return {
    latestTransactionStatus: answer.latestTransactionStatus,
    transactionStatusDesc: answer.transactionStatusDesc,
    paidTime: answer.paidTime,
    originalReferenceNo: answer.originalReferenceNo,
    refundHistory: answer.refundHistory,
    ...(transAmount ? { transAmount } : {}),
  };
}

/**
 * QRIS MPM: DOKU generates a dynamic QR for the amount, any Indonesian wallet or bank app pays it.
 * DOKU documents no QRIS notification: the merchant confirms by querying (doku-channels.md
 * section 4), and a notification at the path third-party code mounts is taken as a hint only.
 */
export const QRIS: ChannelSpec<QrisGenerateInput, QrisGenerateResponse> = {
  channel: 'QRIS',
  dokuChannel: 'QRIS_MPM',
  kind: 'qris',
  payment: {
    name: 'qris_generate',
    method: 'POST',
    path: QRIS_GENERATE_PATH,
    serviceCode: '47',
    body: buildQrisGenerateBody,
    headers: qrisHeaders,
  },
  status: {
    name: 'qris_query',
    method: 'POST',
    path: QRIS_QUERY_PATH,
    serviceCode: '51',
    body: (ref) => buildQrisQueryBody(refOf(ref)),
    headers: qrisHeaders,
  },
  statusReport: qrisStatusReport,
  cancel: {
    name: 'qris_cancel',
    method: 'POST',
    path: QRIS_CANCEL_PATH,
    serviceCode: '77',
    body: (ref) => buildQrisCancelBody(refOf(ref)),
    headers: qrisHeaders,
  },
  refund: {
    name: 'qris_refund',
    method: 'POST',
    path: QRIS_REFUND_PATH,
    serviceCode: '78',
    body: (input: RefundInput) =>
      buildQrisRefundBody({
        originalPartnerReferenceNo: input.originalPartnerReferenceNo,
        originalReferenceNo: input.originalReferenceNo,
        partnerRefundNo: input.partnerRefundNo,
        refundAmount: input.refundAmount,
        reason: input.reason,
        terminal: merchantOf(input.merchantId),
      }),
    headers: qrisHeaders,
  },
  notification: {
    path: '/v1.0/qr/qr-mpm-notify',
    serviceCode: '52',
    statuses: ['00', '03', '04', '05', '06'],
  },
  limits: LIMITS,
  paymentState: debitPaymentState,
};

/**
 * The QRIS merchant the local DOKU simulator knows: what a local run uses when DOKU_QRIS_* say
 * nothing. Here, not in the simulator, because the service must know it without loading the
 * simulator's code. Real ones come from DOKU.
 */
export const SIMULATED_QRIS_TERMINAL = {
  merchantId: '936000123',
  terminalId: 'A01',
  postalCode: '12190',
} as const;
