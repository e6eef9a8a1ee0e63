import { SnapValidationError } from '../errors';
import { requireAbsoluteUrl, requireString, SnapAmount } from './fields';

export const ACCOUNT_BINDING_PATH = '/direct-debit/core/v1/registration-account-binding';
export const ACCOUNT_UNBINDING_PATH = '/direct-debit/core/v1/registration-account-unbinding';
export const BALANCE_INQUIRY_PATH = '/direct-debit/core/v1/balance-inquiry';

/** Indonesian mobile numbers as DOKU takes them: 62, then 7 to 14 digits. */
export const PHONE_NO_RE = /^62[0-9]{7,14}$/;

export interface AccountBindingInput {
  /** `62…`, 9 to 16 digits. */
  phoneNo: string;
  /** The merchant's id of the customer (`custIdMerchant`). */
  customerId: string;
  /** Where DOKU sends the customer once the binding is confirmed (with the authCode). */
  successUrl: string;
  failureUrl: string;
}

export interface AccountBindingRequestBody {
  phoneNo: string;
  additionalInfo: {
    channel: string;
    custIdMerchant: string;
    successRegistrationUrl: string;
    failedRegistrationUrl: string;
  };
}

export interface AccountBindingResponse {
  responseCode: string;
  responseMessage: string;
  referenceNo?: string;
  /** Where the customer confirms the binding (OTP and PIN). */
  redirectUrl?: string;
  additionalInfo?: {
    custIdMerchant?: string;
    accountStatus?: string;
    /** Some answers carry the authCode here; the customer's return carries it too. */
    authCode?: string;
    [key: string]: unknown;
  };
}

/** As the production client sends it (JULO): the phone, then DOKU's channel and our URLs. */
export function buildAccountBindingBody(
  dokuChannel: string,
  input: AccountBindingInput,
): AccountBindingRequestBody {
  if (typeof input.phoneNo !== 'string' || !PHONE_NO_RE.test(input.phoneNo)) {
    throw new SnapValidationError('phoneNo', 'must be 62 followed by 7 to 14 digits');
  }
  return {
    phoneNo: input.phoneNo,
    additionalInfo: {
      channel: dokuChannel,
      custIdMerchant: requireString('additionalInfo.custIdMerchant', input.customerId, 1, 64),
      successRegistrationUrl: requireAbsoluteUrl(
        'additionalInfo.successRegistrationUrl',
        input.successUrl,
        255,
      ),
      failedRegistrationUrl: requireAbsoluteUrl(
        'additionalInfo.failedRegistrationUrl',
        input.failureUrl,
        255,
      ),
    },
  };
}

export interface AccountUnbindingInput {
  /** The customer (B2B2C) access token of the binding: a secret. */
  tokenId: string;
}

export interface AccountUnbindingResponse {
  responseCode: string;
  responseMessage: string;
  referenceNo?: string;
  [key: string]: unknown;
}

/** `tokenId` is the customer token itself (JULO, DOKU's SDK); no Authorization-Customer header. */
export function buildAccountUnbindingBody(
  dokuChannel: string,
  input: AccountUnbindingInput,
): { tokenId: string; additionalInfo: { channel: string } } {
  return {
    tokenId: requireString('tokenId', input.tokenId, 1, 2048),
    additionalInfo: { channel: dokuChannel },
  };
}

export interface BalanceAccountInfo {
  balanceType?: string;
  amount?: SnapAmount;
  flatAmount?: SnapAmount;
  holdAmount?: SnapAmount;
  [key: string]: unknown;
}

export interface BalanceInquiryResponse {
  responseCode: string;
  responseMessage: string;
  accountInfos?: BalanceAccountInfo[];
  [key: string]: unknown;
}

export function buildBalanceInquiryBody(dokuChannel: string): {
  additionalInfo: { channel: string };
} {
  return { additionalInfo: { channel: dokuChannel } };
}
