import {
  buildCreateVaBody,
  buildDeleteVaBody,
  buildVaStatusBody,
  CREATE_VA_PATH,
  CreateVaInput,
  DELETE_VA_PATH,
  VA_STATUS_PATH,
  vaPaid,
  VaResponse,
  VaStatusResponse,
} from '../operations/virtual-account';
import { SnapValidationError } from '../errors';
import type {
  ChannelLimits,
  ChannelSpec,
  NotificationSpec,
  PaymentRef,
  SnapPaymentState,
  StatusReport,
} from './channel-spec';
import { noCustomerHeaders } from './customer-headers';
import { SNAP_AMOUNT_RANGE } from './debit';

/**
 * DOKU's VA payment notification (service 25), at the path merchants register for it: the
 * production client's and DOKU's SDKs' `/v1.1/transfer-va/payment`. A notification says paid.
 */
export const VA_NOTIFICATION: NotificationSpec = {
  path: '/v1.1/transfer-va/payment',
  serviceCode: '25',
  statuses: ['00'],
};

const LIMITS: ChannelLimits = {
  amount: SNAP_AMOUNT_RANGE,
  // The payment's reference is the VA's trxId (1 to 64).
  partnerReferenceNo: 64,
  refundOriginalPartnerReferenceNo: 64,
  partnerRefundNo: 64,
};

/** A VA is paid or still open: DOKU's inquiry knows no failed or cancelled account. */
const vaPaymentState = (latest: string | undefined): SnapPaymentState | undefined =>
  latest === '00' ? 'PAID' : undefined;

function accountOf(ref: PaymentRef) {
  if (!ref.account) throw new SnapValidationError('virtualAccountNo', 'the payment has no account');
  return { ...ref.account, trxId: ref.originalPartnerReferenceNo };
}

/** The inquiry's answer in the debit family's words: 00 once paid, 03 while open. */
function vaStatusReport(body: unknown): StatusReport | undefined {
  const answer = body as VaStatusResponse | undefined;
  if (!answer?.virtualAccountData) return undefined;
  const data = answer.virtualAccountData;
  const paid = vaPaid(answer);
  return {
    latestTransactionStatus: paid ? '00' : '03',
    ...(data.paymentFlagReason?.english
      ? { transactionStatusDesc: data.paymentFlagReason.english }
      : {}),
    ...(paid && data.paidAmount ? { transAmount: data.paidAmount } : {}),
    ...(paid && data.trxDateTime ? { paidTime: data.trxDateTime } : {}),
    ...(data.paymentRequestId ? { originalReferenceNo: data.paymentRequestId } : {}),
  };
}

/**
 * A bank's virtual account under SNAP: one format for every bank, told apart by DOKU's channel
 * code and the merchant's BIN at that bank (`partnerServiceId`). Closed amount; paid by bank
 * transfer, which DOKU notifies; closed early by deleting it; no refund exists.
 */
export function virtualAccount(
  channel: string,
  dokuChannel: string,
): ChannelSpec<CreateVaInput, VaResponse> {
  return {
    channel,
    dokuChannel,
    kind: 'virtual_account',
    payment: {
      name: 'create_va',
      method: 'POST',
      path: CREATE_VA_PATH,
      serviceCode: '27',
      body: (input) => buildCreateVaBody(dokuChannel, input),
      headers: noCustomerHeaders,
    },
    status: {
      name: 'va_status',
      method: 'POST',
      path: VA_STATUS_PATH,
      serviceCode: '26',
      body: (ref) => buildVaStatusBody(accountOf(ref)),
      headers: noCustomerHeaders,
    },
    statusReport: vaStatusReport,
    cancel: {
      name: 'delete_va',
      method: 'DELETE',
      path: DELETE_VA_PATH,
      serviceCode: '31',
      body: (ref) => buildDeleteVaBody(dokuChannel, accountOf(ref)),
      headers: noCustomerHeaders,
    },
    notification: VA_NOTIFICATION,
    limits: LIMITS,
    paymentState: vaPaymentState,
  };
}

/**
 * The BIN (`partnerServiceId`) the local DOKU simulator assigns the merchant at each bank, by
 * DOKU's channel code: what a local run uses when DOKU_VA_BINS says nothing. BCA's and Mandiri's
 * are the values of DOKU's example and a production client (doku-channels.md section 3); the
 * others are made up. Real BINs come from DOKU's back office. Here, not in the simulator, because
 * the service must know them without loading the simulator's code.
 */
export const SIMULATED_VA_BINS: Readonly<Record<string, string>> = {
  VIRTUAL_ACCOUNT_BCA: '19008',
  VIRTUAL_ACCOUNT_BANK_MANDIRI: '88899',
  VIRTUAL_ACCOUNT_BRI: '13925',
  VIRTUAL_ACCOUNT_BNI: '98829',
  VIRTUAL_ACCOUNT_BANK_PERMATA: '8856',
  VIRTUAL_ACCOUNT_BANK_CIMB: '5919',
  VIRTUAL_ACCOUNT_BANK_DANAMON: '7915',
  VIRTUAL_ACCOUNT_BSI: '6059',
  VIRTUAL_ACCOUNT_BTN: '9493',
  VIRTUAL_ACCOUNT_BNC: '90120',
};

/**
 * The ten banks of contract section 5, by DOKU's codes as its Java and PHP SDKs spell them
 * (doku-channels.md section 3.1).
 */
export const VIRTUAL_ACCOUNTS: readonly ChannelSpec<CreateVaInput, VaResponse>[] = [
  virtualAccount('VA_BCA', 'VIRTUAL_ACCOUNT_BCA'),
  virtualAccount('VA_MANDIRI', 'VIRTUAL_ACCOUNT_BANK_MANDIRI'),
  virtualAccount('VA_BRI', 'VIRTUAL_ACCOUNT_BRI'),
  virtualAccount('VA_BNI', 'VIRTUAL_ACCOUNT_BNI'),
  virtualAccount('VA_PERMATA', 'VIRTUAL_ACCOUNT_BANK_PERMATA'),
  virtualAccount('VA_CIMB', 'VIRTUAL_ACCOUNT_BANK_CIMB'),
  virtualAccount('VA_DANAMON', 'VIRTUAL_ACCOUNT_BANK_DANAMON'),
  virtualAccount('VA_BSI', 'VIRTUAL_ACCOUNT_BSI'),
  virtualAccount('VA_BTN', 'VIRTUAL_ACCOUNT_BTN'),
  virtualAccount('VA_BNC', 'VIRTUAL_ACCOUNT_BNC'),
];
