import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  compareMoney,
  fromMinorUnits,
  isMoneyValue,
  normalizeMoney,
  toMinorUnits,
} from './money';

describe('money', () => {
  it('round-trips minor units exactly, up to 16 integer digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), (minor) => {
        const text = fromMinorUnits(minor);
        expect(isMoneyValue(text)).toBe(true);
        expect(toMinorUnits(text)).toBe(minor);
      }),
    );
  });

  it('adds without floating-point error', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(addMoney('9999999999999999.98', '0.01')).toBe('9999999999999999.99');
    expect(compareMoney('1000.00', '999.99')).toBe(1);
  });

  it('refuses what is not a two-decimal amount', () => {
    for (const bad of ['1', '1.0', '1.000', '-1.00', '01.00', '1e3', ' 1.00', '']) {
      expect(() => toMinorUnits(bad)).toThrow(RangeError);
    }
    expect(normalizeMoney('15000')).toBe('15000.00');
    expect(normalizeMoney('15000.5')).toBe('15000.50');
  });
});
