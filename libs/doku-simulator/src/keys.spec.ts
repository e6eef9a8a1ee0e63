import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveKeys } from './keys';

describe('resolveKeys', () => {
  it('generates everything when nothing is given', () => {
    const { credentials } = resolveKeys();
    expect(credentials.clientId).toMatch(/^BRN-SIM-\d{13}$/);
    expect(credentials.clientSecret).toMatch(/^SK-[A-Za-z0-9]{20}$/);
    expect(credentials.merchantPrivateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(credentials.dokuPublicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('derives the public half of a given private key (PKCS#1 accepted)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const { credentials } = resolveKeys({
      merchantPrivateKeyPem: privateKey,
      dokuPrivateKeyPem: privateKey,
    });
    expect(credentials.merchantPublicKeyPem).toBe(publicKey);
    expect(credentials.dokuPublicKeyPem).toBe(publicKey);
  });

  it('refuses a DOKU public key without its private half', () => {
    const { publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => resolveKeys({ dokuPublicKeyPem: publicKey })).toThrow(/dokuPrivateKeyPem/);
  });
});
