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
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw errors.badRequest();
  }
  if (!isObject(body)) throw errors.badRequest();

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

function amountOf(body: Fields, errors: SnapErrors): { value: string; currency: string } {
  const amount = body.amount;
  if (isAbsent(amount)) throw errors.invalidMandatoryField('amount');
  if (!isObject(amount)) throw errors.invalidFieldFormat('amount');
  const { value, currency } = amount;
  if (isAbsent(value)) throw errors.invalidMandatoryField('amount.value');
  if (typeof value !== 'string' || !AMOUNT_VALUE_RE.test(value))
    throw errors.invalidFieldFormat('amount.value');
  if (isAbsent(currency)) throw errors.invalidMandatoryField('amount.currency');
  if (typeof currency !== 'string' || !CURRENCY_RE.test(currency))
    throw errors.invalidFieldFormat('amount.currency');
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
