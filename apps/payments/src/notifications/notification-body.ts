import { AMOUNT_VALUE_RE, CURRENCY_RE, DEBIT_NOTIFICATION } from '@app/doku-snap';
import { controlCharactersAsSpaces, hasControlCharacters } from '../common/control-characters';
import type { SnapErrors } from './snap-error';

/** The fields of DOKU's payment notification this service acts on. */
export interface PaymentNotification {
  originalPartnerReferenceNo: string;
  originalReferenceNo: string | null;
  originalExternalId: string | null;
  latestTransactionStatus: string;
  transactionStatusDesc: string | null;
  amount: { value: string; currency: string };
}

const DESCRIPTION_MAX = 255;

type Fields = Record<string, unknown>;

/**
 * Reads DOKU's notification from the raw bytes. Unknown fields are ignored (DOKU may add some);
 * what this service relies on is checked, and a problem names its field.
 */
export function parsePaymentNotification(rawBody: Buffer, errors: SnapErrors): PaymentNotification {
  const body = jsonObjectOf(rawBody, errors);

  const status = body.latestTransactionStatus;
  if (isAbsent(status)) throw errors.invalidMandatoryField('latestTransactionStatus');
  if (!DEBIT_NOTIFICATION.statuses.includes(status as string)) {
    throw errors.invalidFieldFormat('latestTransactionStatus');
  }
  const description = body.transactionStatusDesc;
  return {
    originalPartnerReferenceNo: requiredText(body, 'originalPartnerReferenceNo', 64, errors),
    originalReferenceNo: optionalText(body, 'originalReferenceNo', 64, errors),
    originalExternalId: optionalText(body, 'originalExternalId', 64, errors),
    latestTransactionStatus: status as string,
    // Free text for people: kept when usable, never a reason to refuse the fact.
    transactionStatusDesc:
      typeof description === 'string'
        ? controlCharactersAsSpaces(description).slice(0, DESCRIPTION_MAX)
        : null,
    amount: amountOf(body, errors),
  };
}

/** DOKU's VA payment notification (service 25): the account, our trxId, what was paid. */
export interface VaPaymentNotification {
  partnerServiceId: string;
  customerNo: string;
  virtualAccountNo: string;
  virtualAccountName: string | null;
  /** Our invoice: the payment's partnerReferenceNo. */
  trxId: string | null;
  paymentRequestId: string | null;
  paidAmount: { value: string; currency: string };
}

/**
 * Reads DOKU's VA payment notification from the raw bytes (doku-channels.md section 3.6c): the
 * account's three ids and the paid amount are required; trxId, as DOKU echoes it, is optional
 * (the account number finds the payment).
 */
export function parseVaPaymentNotification(
  rawBody: Buffer,
  errors: SnapErrors,
): VaPaymentNotification {
  const body = jsonObjectOf(rawBody, errors);
  return {
    partnerServiceId: requiredText(body, 'partnerServiceId', 8, errors),
    customerNo: requiredText(body, 'customerNo', 20, errors),
    virtualAccountNo: requiredText(body, 'virtualAccountNo', 28, errors),
    virtualAccountName: optionalText(body, 'virtualAccountName', 255, errors),
    trxId: optionalText(body, 'trxId', 64, errors),
    paymentRequestId: optionalText(body, 'paymentRequestId', 128, errors),
    paidAmount: amountOf(body, errors, 'paidAmount'),
  };
}

function jsonObjectOf(rawBody: Buffer, errors: SnapErrors): Fields {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw errors.badRequest();
  }
  if (!isObject(body)) throw errors.badRequest();
  return body;
}

function amountOf(
  body: Fields,
  errors: SnapErrors,
  field = 'amount',
): { value: string; currency: string } {
  const amount = body[field];
  if (isAbsent(amount)) throw errors.invalidMandatoryField(field);
  if (!isObject(amount)) throw errors.invalidFieldFormat(field);
  const { value, currency } = amount;
  if (isAbsent(value)) throw errors.invalidMandatoryField(`${field}.value`);
  if (typeof value !== 'string' || !AMOUNT_VALUE_RE.test(value))
    throw errors.invalidFieldFormat(`${field}.value`);
  if (isAbsent(currency)) throw errors.invalidMandatoryField(`${field}.currency`);
  if (typeof currency !== 'string' || !CURRENCY_RE.test(currency))
    throw errors.invalidFieldFormat(`${field}.currency`);
  return { value, currency };
}

function requiredText(body: Fields, field: string, max: number, errors: SnapErrors): string {
  const value = optionalText(body, field, max, errors);
  if (value === null) throw errors.invalidMandatoryField(field);
  return value;
}

function optionalText(body: Fields, field: string, max: number, errors: SnapErrors): string | null {
  const value = body[field];
  if (isAbsent(value)) return null;
  if (typeof value !== 'string' || value.length > max || hasControlCharacters(value)) {
    throw errors.invalidFieldFormat(field);
  }
  return value;
}

const isAbsent = (value: unknown) => value === undefined || value === null || value === '';

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
