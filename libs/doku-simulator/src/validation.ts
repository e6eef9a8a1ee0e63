import { AMOUNT_VALUE_RE, DANA, parseSnapTimestamp, type SnapAmount } from '@app/doku-snap';
import { reject } from './snap-answer';

type Json = Record<string, unknown>;

const CURRENCY_RE = /^[A-Z]{3}$/;
const POINTS_OF_INITIATION = new Set(['app', 'pc', 'mweb']);

/** 400xx00 for anything that is not a JSON object: the body cannot even be read. */
export function parseJsonObject(raw: Buffer): Json {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw reject.badRequest('Body is not JSON');
  }
  if (!isObject(value)) throw reject.badRequest('Body must be a JSON object');
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SNAP treats an empty value like an absent one: 400xx02. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function requiredString(obj: Json, key: string, field: string, max: number): string {
  const value = obj[key];
  if (isMissing(value)) throw reject.mandatory(field);
  if (typeof value !== 'string' || value.length > max) throw reject.format(field);
  return value;
}

function optionalString(obj: Json, key: string, field: string, max: number): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw reject.format(field);
  return value;
}

function requiredObject(obj: Json, key: string, field: string): Json {
  const value = obj[key];
  if (isMissing(value)) throw reject.mandatory(field);
  if (!isObject(value)) throw reject.format(field);
  return value;
}

function requiredAmount(obj: Json, key: string): SnapAmount {
  const amount = requiredObject(obj, key, key);
  const value = amount.value;
  if (isMissing(value)) throw reject.mandatory(`${key}.value`);
  if (typeof value !== 'string' || !AMOUNT_VALUE_RE.test(value))
    throw reject.format(`${key}.value`);
  const currency = amount.currency;
  if (isMissing(currency)) throw reject.mandatory(`${key}.currency`);
  if (typeof currency !== 'string' || !CURRENCY_RE.test(currency))
    throw reject.format(`${key}.currency`);
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

/** additionalInfo.channel is the DANA switch; anything else is not this product. */
function danaChannel(additionalInfo: Json): void {
  const channel = additionalInfo.channel;
  if (isMissing(channel)) throw reject.mandatory('additionalInfo.channel');
  if (channel !== DANA.dokuChannel) throw reject.format('additionalInfo.channel');
}

export function validateTokenBody(body: Json): void {
  const grantType = body.grantType;
  if (isMissing(grantType)) throw reject.mandatory('grantType');
  if (grantType !== 'client_credentials') throw reject.format('grantType');
}

export interface DanaPaymentRequest {
  partnerReferenceNo: string;
  amount: SnapAmount;
  returnUrl: string;
  orderTitle?: string;
  validUpTo?: string;
}

/** The DANA payment body. urlParam must be an array: an object is a format error, not accepted. */
export function validateDanaPayment(body: Json): DanaPaymentRequest {
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

  const additionalInfo = requiredObject(body, 'additionalInfo', 'additionalInfo');
  danaChannel(additionalInfo);
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
    if (additionalInfo.channel !== undefined) danaChannel(additionalInfo);
  }
  return {
    originalPartnerReferenceNo,
    ...(originalReferenceNo ? { originalReferenceNo } : {}),
    ...(originalExternalId ? { originalExternalId } : {}),
  };
}

export interface RefundRequest {
  originalPartnerReferenceNo: string;
  originalExternalId?: string;
  partnerRefundNo: string;
  refundAmount: SnapAmount;
  reason?: string;
}

/** The refund body. */
export function validateRefund(body: Json): RefundRequest {
  const originalPartnerReferenceNo = requiredString(
    body,
    'originalPartnerReferenceNo',
    'originalPartnerReferenceNo',
    64,
  );
  const originalExternalId = optionalString(body, 'originalExternalId', 'originalExternalId', 36);
  const partnerRefundNo = requiredString(body, 'partnerRefundNo', 'partnerRefundNo', 64);
  const refundAmount = requiredAmount(body, 'refundAmount');
  const reason = optionalString(body, 'reason', 'reason', 256);
  danaChannel(requiredObject(body, 'additionalInfo', 'additionalInfo'));
  return {
    originalPartnerReferenceNo,
    ...(originalExternalId ? { originalExternalId } : {}),
    partnerRefundNo,
    refundAmount,
    ...(reason ? { reason } : {}),
  };
}
