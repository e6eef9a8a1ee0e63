import {
  AMOUNT_VALUE_RE,
  type AnyChannelSpec,
  parseSnapTimestamp,
  PHONE_NO_RE,
  SNAP_CHANNELS,
  type SnapAmount,
} from '@app/doku-snap';
import { toMinor } from './money';
import { reject } from './snap-answer';

type Json = Record<string, unknown>;

const CURRENCY_RE = /^[A-Z]{3}$/;
const POINTS_OF_INITIATION = new Set(['app', 'pc', 'mweb']);

/** 400xx00 for anything that is not a JSON object: the body cannot even be read. */
export function parseJsonObject(raw: Buffer): Json {
  const value = readJsonObject(raw);
  if (value === 'not_json') throw reject.badRequest('Body is not JSON');
  if (value === 'not_object') throw reject.badRequest('Body must be a JSON object');
  return value;
}

/** The body as an object, or why it is none (said by `parseJsonObject` when it matters). */
export function readJsonObject(raw: Buffer): Json | 'not_json' | 'not_object' {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'not_json';
  }
  return isObject(value) ? value : 'not_object';
}

const WALLETS = new Map(
  SNAP_CHANNELS.filter((c) => c.kind.startsWith('ewallet')).map((c) => [c.dokuChannel, c]),
);

/** The wallet a body names in `additionalInfo.channel`, if it names one DOKU offers here. */
export function walletNamed(body: Json | string): AnyChannelSpec | undefined {
  if (typeof body === 'string' || !isObject(body.additionalInfo)) return undefined;
  const channel = body.additionalInfo.channel;
  return typeof channel === 'string' ? WALLETS.get(channel) : undefined;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SNAP treats an empty value like an absent one: 400xx02. */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export function requiredString(obj: Json, key: string, field: string, max: number): string {
  const value = obj[key];
  if (isMissing(value)) throw reject.mandatory(field);
  if (typeof value !== 'string' || value.length > max) throw reject.format(field);
  return value;
}

export function optionalString(
  obj: Json,
  key: string,
  field: string,
  max: number,
): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw reject.format(field);
  return value;
}

export function requiredObject(obj: Json, key: string, field: string): Json {
  const value = obj[key];
  if (isMissing(value)) throw reject.mandatory(field);
  if (!isObject(value)) throw reject.format(field);
  return value;
}

/** An amount `{value, currency}` at `key`, named `field` in what is refused (the key by default). */
export function requiredAmount(obj: Json, key: string, field = key): SnapAmount {
  const amount = requiredObject(obj, key, field);
  const value = amount.value;
  if (isMissing(value)) throw reject.mandatory(`${field}.value`);
  if (typeof value !== 'string' || !AMOUNT_VALUE_RE.test(value))
    throw reject.format(`${field}.value`);
  const currency = amount.currency;
  if (isMissing(currency)) throw reject.mandatory(`${field}.currency`);
  if (typeof currency !== 'string' || !CURRENCY_RE.test(currency))
    throw reject.format(`${field}.currency`);
  return { value, currency };
}

function absoluteUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw reject.format(field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw reject.format(field);
  return value;
}

/** additionalInfo.channel names the wallet; a code DOKU does not offer here is a format error. */
function walletChannel(additionalInfo: Json): AnyChannelSpec {
  const channel = additionalInfo.channel;
  if (isMissing(channel)) throw reject.mandatory('additionalInfo.channel');
  const wallet = typeof channel === 'string' ? WALLETS.get(channel) : undefined;
  if (!wallet) throw reject.format('additionalInfo.channel');
  return wallet;
}

export function validateTokenBody(body: Json): void {
  const grantType = body.grantType;
  if (isMissing(grantType)) throw reject.mandatory('grantType');
  if (grantType !== 'client_credentials') throw reject.format('grantType');
}

export interface PaymentRequest {
  partnerReferenceNo: string;
  amount: SnapAmount;
  /** Where the customer goes back to (a bound wallet: the success URL). */
  returnUrl: string;
  orderTitle?: string;
  validUpTo?: string;
  wallet: AnyChannelSpec;
}

/** The payment body of the wallet it names: the jump-app body, or a bound wallet's. */
export function validatePayment(body: Json): PaymentRequest {
  const wallet = walletChannel(requiredObject(body, 'additionalInfo', 'additionalInfo'));
  return wallet.kind === 'ewallet_binding'
    ? validateBoundPayment(body, wallet)
    : validateJumpAppPayment(body, wallet);
}

const PAY_METHODS = new Set(['CASH', 'POINTS']);
const PAYMENT_TYPES = new Set(['SALE', 'RECURRING']);

/**
 * A bound wallet's payment (OVO): payOptionDetails that add up to the amount, paymentType, and
 * the success and failure URLs under additionalInfo; no urlParam.
 */
function validateBoundPayment(body: Json, wallet: AnyChannelSpec): PaymentRequest {
  const partnerReferenceNo = requiredString(body, 'partnerReferenceNo', 'partnerReferenceNo', 64);
  const amount = requiredAmount(body, 'amount');
  const info = body.additionalInfo as Json;
  const returnUrl = absoluteUrl(
    requiredString(info, 'successPaymentUrl', 'additionalInfo.successPaymentUrl', 255),
    'additionalInfo.successPaymentUrl',
  );
  absoluteUrl(
    requiredString(info, 'failedPaymentUrl', 'additionalInfo.failedPaymentUrl', 255),
    'additionalInfo.failedPaymentUrl',
  );
  if (!PAYMENT_TYPES.has(requiredString(info, 'paymentType', 'additionalInfo.paymentType', 16)))
    throw reject.format('additionalInfo.paymentType');
  const options = body.payOptionDetails;
  if (isMissing(options)) throw reject.mandatory('payOptionDetails');
  if (!Array.isArray(options)) throw reject.format('payOptionDetails');
  if (options.length === 0) throw reject.mandatory('payOptionDetails');
  let paid = 0n;
  options.forEach((option: unknown, i) => {
    const at = `payOptionDetails[${i}]`;
    if (!isObject(option)) throw reject.format(at);
    if (!PAY_METHODS.has(requiredString(option, 'payMethod', `${at}.payMethod`, 16)))
      throw reject.format(`${at}.payMethod`);
    paid += toMinor(requiredAmount(option, 'transAmount', `${at}.transAmount`).value);
    requiredAmount(option, 'feeAmount', `${at}.feeAmount`);
  });
  if (paid !== toMinor(amount.value)) throw reject.format('payOptionDetails.transAmount');
  if (body.urlParam !== undefined) throw reject.format('urlParam');
  return { partnerReferenceNo, amount, returnUrl, wallet };
}

/** The jump-app body (DANA, ShopeePay). urlParam must be an array: an object is a format error, not accepted. */
function validateJumpAppPayment(body: Json, wallet: AnyChannelSpec): PaymentRequest {
  const partnerReferenceNo = requiredString(body, 'partnerReferenceNo', 'partnerReferenceNo', 64);
  const amount = requiredAmount(body, 'amount');

  const urlParam = body.urlParam;
  if (isMissing(urlParam)) throw reject.mandatory('urlParam');
  if (!Array.isArray(urlParam)) throw reject.format('urlParam');
  if (urlParam.length === 0) throw reject.mandatory('urlParam');
  urlParam.forEach((entry: unknown, i) => {
    const at = `urlParam[${i}]`;
    if (!isObject(entry)) throw reject.format(at);
    absoluteUrl(requiredString(entry, 'url', `${at}.url`, 255), `${at}.url`);
    if (requiredString(entry, 'type', `${at}.type`, 20) !== 'PAY_RETURN')
      throw reject.format(`${at}.type`);
    const deepLink = requiredString(entry, 'isDeepLink', `${at}.isDeepLink`, 1);
    if (deepLink !== 'Y' && deepLink !== 'N') throw reject.format(`${at}.isDeepLink`);
  });
  const returnUrl = (urlParam[0] as Json).url as string;

  const validUpTo = optionalString(body, 'validUpTo', 'validUpTo', 25);
  if (validUpTo !== undefined && parseSnapTimestamp(validUpTo) === null)
    throw reject.format('validUpTo');
  const point = optionalString(body, 'pointOfInitiation', 'pointOfInitiation', 20);
  if (point !== undefined && !POINTS_OF_INITIATION.has(point))
    throw reject.format('pointOfInitiation');

  const additionalInfo = body.additionalInfo as Json;
  const orderTitle = optionalString(additionalInfo, 'orderTitle', 'additionalInfo.orderTitle', 255);
  const deepLinkCheckout = additionalInfo.supportDeepLinkCheckoutUrl;
  if (deepLinkCheckout !== undefined && typeof deepLinkCheckout !== 'boolean') {
    throw reject.format('additionalInfo.supportDeepLinkCheckoutUrl');
  }
  return {
    partnerReferenceNo,
    amount,
    returnUrl,
    ...(orderTitle ? { orderTitle } : {}),
    ...(validUpTo !== undefined ? { validUpTo } : {}),
    wallet,
  };
}

export interface CheckStatusRequest {
  originalPartnerReferenceNo: string;
  originalReferenceNo?: string;
  originalExternalId?: string;
}

/** The check status body. serviceCode must be "55": SNAP's code of the original payment (54) is refused. */
export function validateCheckStatus(body: Json): CheckStatusRequest {
  const originalPartnerReferenceNo = requiredString(
    body,
    'originalPartnerReferenceNo',
    'originalPartnerReferenceNo',
    64,
  );
  const originalReferenceNo = optionalString(
    body,
    'originalReferenceNo',
    'originalReferenceNo',
    64,
  );
  const originalExternalId = optionalString(body, 'originalExternalId', 'originalExternalId', 36);
  const serviceCode = body.serviceCode;
  if (isMissing(serviceCode)) throw reject.mandatory('serviceCode');
  if (serviceCode !== '55') throw reject.format('serviceCode');
  const additionalInfo = body.additionalInfo;
  if (additionalInfo !== undefined) {
    if (!isObject(additionalInfo)) throw reject.format('additionalInfo');
    if (additionalInfo.channel !== undefined) walletChannel(additionalInfo);
  }
  return {
    originalPartnerReferenceNo,
    ...(originalReferenceNo ? { originalReferenceNo } : {}),
    ...(originalExternalId ? { originalExternalId } : {}),
  };
}

export interface RefundRequest {
  wallet: AnyChannelSpec;
  originalPartnerReferenceNo: string;
  originalExternalId?: string;
  partnerRefundNo: string;
  refundAmount: SnapAmount;
  reason?: string;
}

/** The refund body; the original reference as long as the wallet takes it (OVO: 32). */
export function validateRefund(body: Json): RefundRequest {
  const wallet = walletChannel(requiredObject(body, 'additionalInfo', 'additionalInfo'));
  const originalPartnerReferenceNo = requiredString(
    body,
    'originalPartnerReferenceNo',
    'originalPartnerReferenceNo',
    wallet.limits.refundOriginalPartnerReferenceNo,
  );
  const originalExternalId = optionalString(body, 'originalExternalId', 'originalExternalId', 36);
  const partnerRefundNo = requiredString(body, 'partnerRefundNo', 'partnerRefundNo', 64);
  const refundAmount = requiredAmount(body, 'refundAmount');
  const reason = optionalString(body, 'reason', 'reason', 256);
  return {
    wallet,
    originalPartnerReferenceNo,
    ...(originalExternalId ? { originalExternalId } : {}),
    partnerRefundNo,
    refundAmount,
    ...(reason ? { reason } : {}),
  };
}

/** A binding's wallet: one whose payments need a bound account. */
function bindingWallet(body: Json): AnyChannelSpec {
  const wallet = walletChannel(requiredObject(body, 'additionalInfo', 'additionalInfo'));
  if (wallet.kind !== 'ewallet_binding') throw reject.format('additionalInfo.channel');
  return wallet;
}

export interface AccountBindingRequest {
  wallet: AnyChannelSpec;
  phoneNo: string;
  custIdMerchant: string;
  successUrl: string;
  failureUrl: string;
}

export function validateAccountBinding(body: Json): AccountBindingRequest {
  const phoneNo = requiredString(body, 'phoneNo', 'phoneNo', 16);
  if (!PHONE_NO_RE.test(phoneNo)) throw reject.format('phoneNo');
  const wallet = bindingWallet(body);
  const info = body.additionalInfo as Json;
  const custIdMerchant = requiredString(
    info,
    'custIdMerchant',
    'additionalInfo.custIdMerchant',
    64,
  );
  const urlOf = (key: string) =>
    absoluteUrl(requiredString(info, key, `additionalInfo.${key}`, 255), `additionalInfo.${key}`);
  return {
    wallet,
    phoneNo,
    custIdMerchant,
    successUrl: urlOf('successRegistrationUrl'),
    failureUrl: urlOf('failedRegistrationUrl'),
  };
}

export function validateAccountUnbinding(body: Json): { tokenId: string } {
  const tokenId = requiredString(body, 'tokenId', 'tokenId', 2048);
  bindingWallet(body);
  return { tokenId };
}

export function validateBalanceInquiry(body: Json): void {
  bindingWallet(body);
}

/** The customer-token grant: the binding's authCode (first token and renewals alike), or a refresh token. */
export function validateCustomerTokenBody(
  body: Json,
):
  | { grant: 'authorization_code'; authCode: string }
  | { grant: 'refresh_token'; refreshToken: string } {
  const grantType = body.grantType;
  if (isMissing(grantType)) throw reject.mandatory('grantType');
  if (grantType === 'authorization_code')
    return { grant: grantType, authCode: requiredString(body, 'authCode', 'authCode', 2048) };
  if (grantType === 'refresh_token')
    return {
      grant: grantType,
      refreshToken: requiredString(body, 'refreshToken', 'refreshToken', 2048),
    };
  throw reject.format('grantType');
}
