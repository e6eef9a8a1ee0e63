import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateKey } from './duplicate-keys';

describe('duplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"amount":{"value":"1.00","value":"9.00"}}', 'value'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['[{"a":1},{"a":2}]', undefined],
    ['{"a":{"b":1},"b":2}', undefined],
    ['{"a":"x,\\"a\\":1","b":[1,"a",{"a":1}]}', undefined],
    ['{"a":[{"c":1,"c":2}]}', 'c'],
  ])('%s', (text, key) => {
    expect(duplicateKey(text)).toBe(key);
  });

  it('finds none in JSON without duplicates, whatever its shape', () => {
    // fast-check's JSON comes from values: no object in it has a key twice.
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(duplicateKey(text)).toBeUndefined();
      }),
    );
  });

  it('finds a key written twice, wherever the object sits', () => {
    fc.assert(
      fc.property(fc.json(), fc.string(), fc.json(), (before, key, after) => {
        const k = JSON.stringify(key);
        const text = `[${before},{${k}:${before},"other":${after},${k}:${after}}]`;
        expect(duplicateKey(text)).toBe(key);
      }),
    );
  });
});
