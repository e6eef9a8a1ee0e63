import { describe, expect, it } from 'vitest';
import { crc16Ccitt, emvField, emvWithCrc, parseEmv, validEmvQr } from '../src/qris/emv';

describe('EMV QR (QRIS)', () => {
  it('CRC-16/CCITT-FALSE of the standard check string is 29B1', () => {
    expect(crc16Ccitt('123456789')).toBe('29B1');
  });

  it('builds fields with two-digit lengths and a CRC that validates; any changed byte does not', () => {
    const content = emvWithCrc(
      emvField('00', '01') +
        emvField('01', '12') +
        emvField('26', emvField('00', 'ID.CO.QRIS.WWW') + emvField('01', '936008990000000001')) +
        emvField('52', '5814') +
        emvField('53', '360') +
        emvField('54', '15000') +
        emvField('58', 'ID') +
        emvField('59', 'TOKO KOPI') +
        emvField('60', 'JAKARTA') +
        emvField('61', '12190'),
    );
    expect(content.startsWith('000201010212')).toBe(true);
    expect(validEmvQr(content)).toBe(true);
    expect(parseEmv(content)!.get('54')).toBe('15000');
    const changed = content.replace('15000', '15001');
    expect(validEmvQr(changed)).toBe(false);
    expect(validEmvQr(content.slice(0, -1) + (content.endsWith('0') ? '1' : '0'))).toBe(false);
  });

  it('refuses what is not TLV, lacks the format indicator, or puts the CRC elsewhere', () => {
    expect(parseEmv('0002')).toBeUndefined();
    expect(parseEmv('00020101')).toBeUndefined();
    expect(validEmvQr(emvWithCrc(emvField('01', '12')))).toBe(false);
    expect(validEmvQr('hello')).toBe(false);
    expect(() => emvField('1', 'x')).toThrow(RangeError);
    expect(() => emvField('59', 'x'.repeat(100))).toThrow(RangeError);
  });
});
