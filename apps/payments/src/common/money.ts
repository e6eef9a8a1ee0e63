/**
 * Money in this service: SNAP decimal strings ("15000.00") on the outside, integer minor units
 * (bigint) for arithmetic, numeric(18,2) in PostgreSQL. Never a float.
 */
const DECIMAL_RE = /^(0|[1-9][0-9]{0,15})\.([0-9]{2})$/;

export function isMoneyValue(value: string): boolean {
  return DECIMAL_RE.test(value);
}

export function toMinorUnits(value: string): bigint {
  const m = DECIMAL_RE.exec(value);
  if (!m) throw new RangeError(`not a money value: ${JSON.stringify(value)}`);
  return BigInt(m[1]) * 100n + BigInt(m[2]);
}

export function fromMinorUnits(minor: bigint): string {
  if (minor < 0n) throw new RangeError('negative money');
  const units = minor / 100n;
  const cents = minor % 100n;
  return `${units}.${cents.toString().padStart(2, '0')}`;
}

/** PostgreSQL renders numeric(18,2) as "15000.00" already; normalise anything else it may send. */
export function normalizeMoney(value: string | number): string {
  const text = String(value);
  if (DECIMAL_RE.test(text)) return text;
  const [units, cents = ''] = text.split('.');
  return fromMinorUnits(BigInt(units) * 100n + BigInt((cents + '00').slice(0, 2)));
}

export function addMoney(a: string, b: string): string {
  return fromMinorUnits(toMinorUnits(a) + toMinorUnits(b));
}

export function compareMoney(a: string, b: string): number {
  const d = toMinorUnits(a) - toMinorUnits(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Equal amounts (as minor units, so "015000.00" is "15000.00") in the same currency. */
export function sameMoney(
  a: { value: string; currency: string },
  b: { value: string; currency: string },
): boolean {
  return (
    a.currency === b.currency &&
    BigInt(a.value.replace('.', '')) === BigInt(b.value.replace('.', ''))
  );
}
