import { SnapValidationError } from '../errors';
import { requireAbsoluteUrl, requireAmount, requireString, SnapAmount } from './fields';

/**
 * The direct-debit payment of a bound wallet (OVO): the customer confirms with their PIN at the
 * wallet's page (`paymentType` SALE); the customer token goes in `Authorization-Customer`.
 */
export interface BoundPaymentInput {
  partnerReferenceNo: string;
  amount: SnapAmount;
  /** Where the wallet sends the customer after paying. */
  successUrl: string;
  /** Where the wallet sends the customer when the payment fails; the success URL when absent. */
  failureUrl?: string;
}

export interface BoundPaymentRequestBody {
  partnerReferenceNo: string;
  amount: SnapAmount;
  additionalInfo: {
    channel: string;
    successPaymentUrl: string;
    failedPaymentUrl: string;
    paymentType: 'SALE';
  };
  payOptionDetails: {
    payMethod: 'CASH';
    transAmount: SnapAmount;
    feeAmount: SnapAmount;
  }[];
}

export interface BoundPaymentResponse {
  responseCode: string;
  responseMessage: string;
  /** Present for SALE: where the customer confirms. */
  webRedirectUrl?: string;
  partnerReferenceNo?: string;
  referenceNo?: string;
  additionalInfo?: { webRedirectUrl?: string; [key: string]: unknown };
}

/**
 * The body in the field order of the production client DOKU's documentation follows (JULO):
 * reference, amount, additionalInfo, then one cash pay option of the whole amount without fee.
 */
export function buildBoundPaymentBody(
  dokuChannel: string,
  input: BoundPaymentInput,
  partnerReferenceNoMax: number,
): BoundPaymentRequestBody {
  const partnerReferenceNo = requireString(
    'partnerReferenceNo',
    input.partnerReferenceNo,
    1,
    partnerReferenceNoMax,
  );
  const amount = requireAmount('amount', input.amount);
  const successPaymentUrl = requireAbsoluteUrl(
    'additionalInfo.successPaymentUrl',
    input.successUrl,
    255,
  );
  const failedPaymentUrl =
    input.failureUrl === undefined
      ? successPaymentUrl
      : requireAbsoluteUrl('additionalInfo.failedPaymentUrl', input.failureUrl, 255);
  if (amount.value === '0.00') throw new SnapValidationError('amount.value', 'must be more than 0');
  return {
    partnerReferenceNo,
    amount,
    additionalInfo: {
      channel: dokuChannel,
      successPaymentUrl,
      failedPaymentUrl,
      paymentType: 'SALE',
    },
    payOptionDetails: [
      {
        payMethod: 'CASH',
        transAmount: { value: amount.value, currency: amount.currency },
        feeAmount: { value: '0.00', currency: amount.currency },
      },
    ],
  };
}
