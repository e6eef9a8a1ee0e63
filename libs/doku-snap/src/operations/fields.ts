import { parseSnapTimestamp } from '../clock';
import { SnapValidationError } from '../errors';

/** Money as SNAP carries it: a decimal string with exactly two decimals, and a currency code. */
export interface SnapAmount {
  value: string;
  currency: string;
}

export const AMOUNT_VALUE_RE = /^[0-9]{1,16}\.[0-9]{2}$/;
export const CURRENCY_RE = /^[A-Z]{3}$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** What DOKU takes in X-DEVICE-ID: letters and digits, no symbols. */
export const DEVICE_ID_RE = /^[A-Za-z0-9]{1,64}$/;

export function requireString(field: string, value: unknown, min: number, max: number): string {
  if (typeof value !== 'string') throw new SnapValidationError(field, 'must be a string');
  if (value.length < min || value.length > max) {
    throw new SnapValidationError(field, `must be ${min} to ${max} characters`);
  }
  return value;
}

export function optionalString(field: string, value: unknown, max: number): string | undefined {
  return value === undefined ? undefined : requireString(field, value, 1, max);
}

export function requireAmount(field: string, amount: SnapAmount | undefined): SnapAmount {
  if (!amount || typeof amount !== 'object') throw new SnapValidationError(field, 'is required');
  if (typeof amount.value !== 'string' || !AMOUNT_VALUE_RE.test(amount.value)) {
    throw new SnapValidationError(
      `${field}.value`,
      'must be digits with two decimals, e.g. "15000.00"',
    );
  }
  if (typeof amount.currency !== 'string' || !CURRENCY_RE.test(amount.currency)) {
    throw new SnapValidationError(`${field}.currency`, 'must be a 3-letter currency code');
  }
  // A fresh object fixes the key order that goes on the wire.
  return { value: amount.value, currency: amount.currency };
}

export function requireAbsoluteUrl(field: string, value: unknown, max: number): string {
  const url = requireString(field, value, 1, max);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SnapValidationError(field, 'must be an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SnapValidationError(field, 'must be an http or https URL');
  }
  return url;
}

export function optionalTimestamp(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || parseSnapTimestamp(value) === null) {
    throw new SnapValidationError(
      field,
      'must be ISO-8601 with an offset, e.g. 2024-07-10T11:57:58+07:00',
    );
  }
  return value;
}

export function requireDeviceId(value: unknown): string {
  if (typeof value !== 'string' || !DEVICE_ID_RE.test(value)) {
    throw new SnapValidationError('X-DEVICE-ID', 'must be 1 to 64 letters and digits');
  }
  return value;
}

export function optionalIpAddress(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IPV4_RE.test(value)) {
    throw new SnapValidationError('X-IP-ADDRESS', 'must be a dotted IPv4 address');
  }
  return value;
}
