import {
  emvField,
  emvWithCrc,
  parseSnapTimestamp,
  SIMULATED_QRIS_TERMINAL,
  snapTimestamp,
} from '@app/doku-snap';
import { toMinor } from './money';
import type { SnapOperations } from './operations';
import type { Recorder } from './recorder';
import { answer, reject, SnapAnswer, SnapReject } from './snap-answer';
import type { Payment, SimulatorState } from './state';
import type { SimulatorSettings } from './types';
import {
  isMissing,
  isObject,
  optionalString,
  requiredAmount,
  requiredObject,
  requiredString,
} from './validation';
import type { VerifiedCall } from './verify';
import { refundHistoryOf, STATUS_DESC } from './views';

export interface QrisDeps {
  state: SimulatorState;
  recorder: Recorder;
  settings: SimulatorSettings;
  now: () => number;
}

type Json = Record<string, unknown>;

export const QRIS_CHANNEL = 'QRIS_MPM';
/** How long a QR can be paid when the merchant sets no validityPeriod [INF]. */
export const QR_VALIDITY_MS = 30 * 60_000;

/** The merchant's QRIS id in every call: the one this DOKU issued, else 403. */
function merchantOf(body: Json): string {
  const merchantId = requiredString(body, 'merchantId', 'merchantId', 64);
  if (merchantId !== SIMULATED_QRIS_TERMINAL.merchantId)
    throw new SnapReject(403, '16', 'Merchant Not Registered For QRIS');
  return merchantId;
}

/** EMV amounts: whole rupiah without decimals, else two. */
const emvAmount = (value: string) => (value.endsWith('.00') ? value.slice(0, -3) : value);

/**
 * The QR a wallet scans: a dynamic (12) QRIS MPM string for the amount, with the merchant's ids,
 * DOKU's reference as the reference label, and the CRC.
 */
export function qrContentOf(payment: Payment, terminalId: string, postalCode: string): string {
  const merchant =
    emvField('00', 'ID.CO.QRIS.WWW') +
    emvField('01', `93600899${SIMULATED_QRIS_TERMINAL.merchantId}`) +
    emvField('02', SIMULATED_QRIS_TERMINAL.merchantId) +
    emvField('03', 'UMI');
  return emvWithCrc(
    emvField('00', '01') +
      emvField('01', '12') +
      emvField('26', merchant) +
      emvField('52', '5814') +
      emvField('53', '360') +
      emvField('54', emvAmount(payment.amount.value)) +
      emvField('58', 'ID') +
      emvField('59', 'DOKU SIMULATED MERCHANT') +
      emvField('60', 'JAKARTA') +
      emvField('61', postalCode) +
      emvField('62', emvField('05', payment.referenceNo) + emvField('07', terminalId)),
  );
}

/**
 * QRIS MPM: generate, query, cancel, refund. A QR's payment is a `Payment` of channel QRIS_MPM:
 * paying it (`complete`), its status codes and its refunds are the wallets' own.
 */
export class QrisOperations {
  constructor(
    private readonly deps: QrisDeps,
    private readonly operations: Pick<SnapOperations, 'bookRefund'>,
  ) {}

  generate(body: Json, call: VerifiedCall): SnapAnswer {
    const { state, now, recorder } = this.deps;
    const partnerReferenceNo = requiredString(body, 'partnerReferenceNo', 'partnerReferenceNo', 64);
    const amount = requiredAmount(body, 'amount');
    if (toMinor(amount.value) === 0n) throw reject.format('amount.value');
    merchantOf(body);
    const terminalId = requiredString(body, 'terminalId', 'terminalId', 16);
    const info = requiredObject(body, 'additionalInfo', 'additionalInfo');
    const postalCode = requiredString(info, 'postalCode', 'additionalInfo.postalCode', 10);
    const nowMs = now();
    const validity = optionalString(body, 'validityPeriod', 'validityPeriod', 40);
    const validUntilMs =
      validity === undefined ? nowMs + QR_VALIDITY_MS : parseSnapTimestamp(validity);
    if (validUntilMs === null || validUntilMs <= nowMs) throw reject.format('validityPeriod');
    const fingerprint = JSON.stringify(body);
    let payment = state.payments.get(partnerReferenceNo);
    if (payment) {
      if (payment.fingerprint !== fingerprint) throw reject.duplicatePartnerReferenceNo();
      payment.externalIds.add(call.externalId);
    } else {
      payment = {
        pageId: state.newPageId(),
        channel: QRIS_CHANNEL,
        partnerReferenceNo,
        referenceNo: state.nextReference(nowMs),
        externalId: call.externalId,
        externalIds: new Set([call.externalId]),
        fingerprint,
        amount,
        minor: toMinor(amount.value),
        returnUrl: '',
        status: '03',
        createdAtMs: nowMs,
        validUpToMs: validUntilMs,
        refunds: [],
        refundedMinor: 0n,
      };
      payment.qrContent = qrContentOf(payment, terminalId, postalCode);
      state.addPayment(payment);
      recorder.paymentCreated();
    }
    return answer('2004700', 'Successful', {
      referenceNo: payment.referenceNo,
      partnerReferenceNo: payment.partnerReferenceNo,
      qrContent: payment.qrContent,
      terminalId,
      additionalInfo: { validityPeriod: snapTimestamp(payment.validUpToMs!) },
    });
  }

  /** Query (ASPI): the QR's status; `refundHistory` as the debit status lists it. */
  query(body: Json): SnapAnswer {
    const payment = this.find(body);
    if (body.serviceCode !== '47')
      throw isMissing(body.serviceCode)
        ? reject.mandatory('serviceCode')
        : reject.format('serviceCode');
    payment.qrisQueries = (payment.qrisQueries ?? 0) + 1;
    return answer('2005100', 'Successful', {
      originalReferenceNo: payment.referenceNo,
      originalPartnerReferenceNo: payment.partnerReferenceNo,
      serviceCode: '47',
      latestTransactionStatus: payment.status,
      transactionStatusDesc: STATUS_DESC[payment.status],
      ...(payment.paidTime !== undefined ? { paidTime: payment.paidTime } : {}),
      amount: payment.amount,
      refundHistory: refundHistoryOf(payment),
    });
  }

  /** Cancel: an unpaid QR is closed (05); again answers the same; a paid one is refused. */
  cancel(body: Json): SnapAnswer {
    const payment = this.find(body);
    optionalString(body, 'reason', 'reason', 255);
    if (payment.status === '00') throw reject.notPermitted('Transaction already paid');
    if (payment.status === '06') throw reject.notPermitted('Transaction failed');
    payment.status = '05';
    return answer('2007700', 'Successful', {
      originalReferenceNo: payment.referenceNo,
      originalPartnerReferenceNo: payment.partnerReferenceNo,
      cancelTime: snapTimestamp(this.deps.now()),
    });
  }

  refund(body: Json, call: VerifiedCall): SnapAnswer {
    const partnerRefundNo = requiredString(body, 'partnerRefundNo', 'partnerRefundNo', 64);
    const refundAmount = requiredAmount(body, 'refundAmount');
    const reason = optionalString(body, 'reason', 'reason', 255);
    const originalPartnerReferenceNo = requiredString(
      body,
      'originalPartnerReferenceNo',
      'originalPartnerReferenceNo',
      64,
    );
    merchantOf(body);
    return this.operations.bookRefund(
      {
        partnerRefundNo,
        originalPartnerReferenceNo,
        refundAmount,
        ...(reason !== undefined ? { reason } : {}),
      },
      call,
      '2007800',
      () => this.find(body),
    );
  }

  /** The QR payment a body names: our reference, DOKU's when given, the merchant. */
  private find(body: Json): Payment {
    if (!isObject(body)) throw reject.badRequest();
    const ref = requiredString(
      body,
      'originalPartnerReferenceNo',
      'originalPartnerReferenceNo',
      64,
    );
    const referenceNo = optionalString(body, 'originalReferenceNo', 'originalReferenceNo', 64);
    merchantOf(body);
    const payment = this.deps.state.payments.get(ref);
    if (!payment || payment.channel !== QRIS_CHANNEL) throw reject.notFound();
    if (referenceNo !== undefined && referenceNo !== payment.referenceNo) throw reject.notFound();
    return payment;
  }
}
