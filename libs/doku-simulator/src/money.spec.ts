import { describe, expect, it } from 'vitest';
import { fromMinor, toMinor } from './money';

describe('money', () => {
  it('converts SNAP amounts to minor units and back without floating point', () => {
    expect(toMinor('15000.00')).toBe(1_500_000n);
    expect(toMinor('9999999999999999.99')).toBe(999999999999999999n);
    expect(fromMinor(999999999999999999n)).toBe('9999999999999999.99');
    expect(fromMinor(5n)).toBe('0.05');
    expect(fromMinor(0n)).toBe('0.00');
  });

  it('refuses what is not a SNAP amount', () => {
    expect(() => toMinor('1.5')).toThrow();
  });
});
