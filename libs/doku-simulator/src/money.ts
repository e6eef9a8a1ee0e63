import { AMOUNT_VALUE_RE } from '@app/doku-snap';

/**
 * Amounts are compared and summed in minor units as BigInt: SNAP values go up to 16 integer
 * digits, beyond what a double holds exactly.
 */
export function toMinor(value: string): bigint {
  if (!AMOUNT_VALUE_RE.test(value)) throw new Error(`not a SNAP amount: ${value}`);
  return BigInt(value.replace('.', ''));
}

export function fromMinor(minor: bigint): string {
  const digits = minor.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
