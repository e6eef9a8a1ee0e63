import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DataKey } from '../config/channel-settings';
import { DataCipher, UnreadableSecretError } from './data-cipher';

const key = () => randomBytes(32) as DataKey;

describe('DataCipher', () => {
  it('opens what it sealed, and the sealed text holds nothing of the secret', () => {
    const cipher = new DataCipher([key()]);
    const sealed = cipher.encrypt('customer-token-123', 'wallet_bindings.customer_token');
    expect(sealed).not.toContain('customer-token-123');
    expect(cipher.decrypt(sealed, 'wallet_bindings.customer_token')).toBe('customer-token-123');
    // A fresh IV each time: the same secret never seals to the same text.
    expect(cipher.encrypt('customer-token-123', 'wallet_bindings.customer_token')).not.toBe(sealed);
  });

  it('after a rotation, opens rows sealed under the previous key and seals under the new one', () => {
    const old = key();
    const sealedBefore = new DataCipher([old]).encrypt('t1', 'c');
    const rotated = new DataCipher([key(), old]);
    expect(rotated.decrypt(sealedBefore, 'c')).toBe('t1');
    const sealedAfter = rotated.encrypt('t2', 'c');
    expect(() => new DataCipher([old]).decrypt(sealedAfter, 'c')).toThrow(UnreadableSecretError);
  });

  it('refuses an altered ciphertext, another context, and an unknown key', () => {
    const cipher = new DataCipher([key()]);
    const sealed = cipher.encrypt('secret', 'a');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'a')).toThrow(UnreadableSecretError);
    expect(() => cipher.decrypt(sealed, 'b')).toThrow(UnreadableSecretError);
    expect(() => new DataCipher([key()]).decrypt(sealed, 'a')).toThrow(UnreadableSecretError);
  });
});
