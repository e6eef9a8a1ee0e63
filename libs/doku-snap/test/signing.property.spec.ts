import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrivateKey, parsePublicKey } from '../src/credentials';
import { minifyJson } from '../src/signing/json';
import { verifyTransactionalSignature } from '../src/signing/notification';
import {
  asymmetricStringToSign,
  bodyHash,
  hmacSign,
  hmacVerify,
  rsaSign,
  rsaVerify,
  symmetricStringToSign,
} from '../src/signing/signatures';
import { testKeys } from './vectors';

const privateKey = parsePrivateKey('test', testKeys.privateKeyPem);
const publicKey = parsePublicKey('test', testKeys.publicKeyPem);

/** Any text, including astral characters and lone surrogates. */
const text = fc.string({ unit: 'binary' });

function flipBit(signature: string, bit: number): string {
  const bytes = Buffer.from(signature, 'base64');
  bytes[Math.floor(bit / 8) % bytes.length] ^= 1 << (bit % 8);
  return bytes.toString('base64');
}

/** A one-character change that can never be insignificant whitespace (see the note in the test). */
function tamper(body: string, at: number): string {
  const i = at % body.length;
  return body.slice(0, i) + String.fromCharCode(body.charCodeAt(i) ^ 1) + body.slice(i + 1);
}

describe('HMAC-SHA512 sign/verify', () => {
  it('verifies what it signed; a flipped bit, another message or another secret fails', () => {
    fc.assert(
      fc.property(text, text, fc.nat(511), text, (secret, message, bit, suffix) => {
        const signature = hmacSign(secret, message);
        expect(signature).toHaveLength(88);
        expect(hmacVerify(secret, message, signature)).toBe(true);
        expect(hmacVerify(secret, message, flipBit(signature, bit))).toBe(false);
        if (suffix !== '') expect(hmacVerify(secret, message + suffix, signature)).toBe(false);
        // HMAC pads its key with zero bytes: a secret and the same secret plus NULs are one key.
        if (suffix.replace(/\0+$/, '') !== '')
          expect(hmacVerify(secret + suffix, message, signature)).toBe(false);
      }),
    );
  });
});

describe('SHA256withRSA sign/verify', () => {
  it('verifies what it signed; a flipped bit or another message fails', () => {
    fc.assert(
      fc.property(text, fc.nat(2047), fc.string({ minLength: 1 }), (message, bit, suffix) => {
        const signature = rsaSign(privateKey, message);
        expect(signature).toHaveLength(344);
        expect(rsaVerify(publicKey, message, signature)).toBe(true);
        expect(rsaVerify(publicKey, message, flipBit(signature, bit))).toBe(false);
        expect(rsaVerify(publicKey, message + suffix, signature)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('transactional signatures over JSON bodies', () => {
  const body = fc
    .dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 })
    .map((o) => JSON.stringify(o));
  const indent = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom('\t', ' \t', '  '));
  const parts = {
    method: 'POST',
    path: '/v1.0/debit/notify',
    timestamp: '2024-05-17T14:15:02+07:00',
  };
  const token = 'merchant-issued-token';
  const secret = 'SK-TestOnly0123456789ab';

  it('both forms verify the compact body, and the same body pretty-printed', () => {
    fc.assert(
      fc.property(body, indent, (compact, space) => {
        const hash = bodyHash(compact);
        const hmac = hmacSign(
          secret,
          symmetricStringToSign({ ...parts, accessToken: token, bodyHash: hash }),
        );
        const rsa = rsaSign(privateKey, asymmetricStringToSign({ ...parts, bodyHash: hash }));
        const pretty = JSON.stringify(JSON.parse(compact), null, space);
        const keys = { clientSecret: secret, dokuPublicKey: publicKey };
        for (const rawBody of [compact, pretty]) {
          const request = { ...parts, rawBody, accessToken: token };
          const body = rawBody === compact ? 'as-received' : 'minified';
          expect(verifyTransactionalSignature({ ...request, signature: hmac }, keys)).toEqual({
            valid: true,
            form: 'HMAC',
            body,
          });
          expect(verifyTransactionalSignature({ ...request, signature: rsa }, keys)).toEqual({
            valid: true,
            form: 'RSA',
            body,
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a body changed in one character fails both forms', () => {
    // Compact JSON has no whitespace outside strings, and flipping the low bit of a character
    // cannot produce whitespace outside a string, so the change always survives minification.
    fc.assert(
      fc.property(body, fc.nat(), (compact, at) => {
        const hash = bodyHash(compact);
        const hmac = hmacSign(
          secret,
          symmetricStringToSign({ ...parts, accessToken: token, bodyHash: hash }),
        );
        const rsa = rsaSign(privateKey, asymmetricStringToSign({ ...parts, bodyHash: hash }));
        const keys = { clientSecret: secret, dokuPublicKey: publicKey };
        const rawBody = tamper(compact, at);
        for (const signature of [hmac, rsa]) {
          expect(
            verifyTransactionalSignature(
              { ...parts, rawBody, accessToken: token, signature },
              keys,
            ),
          ).toEqual({ valid: false });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('with only one key, only that form is tried', () => {
    const compact = '{"a":1}';
    const hash = bodyHash(compact);
    const hmac = hmacSign(
      secret,
      symmetricStringToSign({ ...parts, accessToken: token, bodyHash: hash }),
    );
    const request = { ...parts, rawBody: compact, accessToken: token, signature: hmac };
    expect(verifyTransactionalSignature(request, { dokuPublicKey: publicKey })).toEqual({
      valid: false,
    });
    expect(verifyTransactionalSignature(request, { clientSecret: secret })).toEqual({
      valid: true,
      form: 'HMAC',
      body: 'as-received',
    });
  });
});

describe('minifyJson', () => {
  it('minify(JSON.stringify(x, null, n)) === JSON.stringify(x) for any JSON value', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom('\t', '\n', ' \t ', '\r\n')),
        (value, space) => {
          expect(minifyJson(JSON.stringify(value, null, space))).toBe(JSON.stringify(value));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps whitespace, quotes and backslashes inside strings exactly', () => {
    const tricky = fc.string({
      unit: fc.constantFrom(
        ' ',
        '  ',
        '\t',
        '\n',
        '\u00a0',
        '\u2028',
        '"',
        '\\',
        '\\"',
        'a',
        ':',
        ',',
        '{',
        '☕',
      ),
    });
    fc.assert(
      fc.property(fc.dictionary(tricky, tricky), fc.integer({ min: 0, max: 4 }), (value, space) => {
        const minified = minifyJson(JSON.stringify(value, null, space));
        expect(minified).toBe(JSON.stringify(value));
        expect(JSON.parse(minified)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps number spellings as written and is idempotent', () => {
    const pretty = '{\n  "a": 1.10,\n  "b": 1e21,\n  "c": [ -0 , 2.50E+3 ],\n  "d": " x  y "\n}\n';
    const minified = minifyJson(pretty);
    expect(minified).toBe('{"a":1.10,"b":1e21,"c":[-0,2.50E+3],"d":" x  y "}');
    expect(minifyJson(minified)).toBe(minified);
  });

  it('the empty body is the empty string; text that is not JSON throws', () => {
    expect(minifyJson('')).toBe('');
    expect(minifyJson(' \n')).toBe('');
    expect(() => minifyJson('{"a":')).toThrow(SyntaxError);
  });
});
