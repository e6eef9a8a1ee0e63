import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePrivateKey, parsePublicKey } from '../src/credentials';
import { compactJson, minifyJson } from '../src/signing/json';
import {
  asymmetricStringToSign,
  bodyHash,
  hmacSign,
  hmacVerify,
  rsaSign,
  rsaVerify,
  symmetricStringToSign,
  tokenStringToSign,
} from '../src/signing/signatures';
import {
  verifyTokenRequestSignature,
  verifyTransactionalSignature,
} from '../src/signing/notification';
import { published, testKeys, vector, vectors } from './vectors';

const privateKey = parsePrivateKey('test', testKeys.privateKeyPem);
const publicKey = parsePublicKey('test', testKeys.publicKeyPem);

describe('signature vectors', () => {
  it('has all six vectors', () => {
    expect(vectors.map((v) => v.id.slice(0, 2))).toEqual(['V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
  });

  it('V1: token request, SHA256withRSA over clientId|timestamp', () => {
    const v = vector('V1');
    const sts = tokenStringToSign(v.inputs.clientId!, v.inputs.xTimestamp);
    expect(sts).toBe(v.stringToSign);
    expect(rsaSign(privateKey, sts)).toBe(v.expected_signature_base64);
    expect(
      verifyTokenRequestSignature(
        v.inputs.clientId!,
        v.inputs.xTimestamp,
        v.expected_signature_base64,
        publicKey,
      ),
    ).toBe(true);
    expect(
      verifyTokenRequestSignature(
        'BRN-0000-1700000000001',
        v.inputs.xTimestamp,
        v.expected_signature_base64,
        publicKey,
      ),
    ).toBe(false);
  });

  for (const id of ['V2', 'V3', 'V4', 'V5']) {
    it(`${id}: HMAC-SHA512 transactional signature`, () => {
      const v = vector(id);
      const body = compactJson(v.inputs.body);
      expect(body).toBe(v.minified_body);
      expect(minifyJson(JSON.stringify(v.inputs.body, null, 2))).toBe(v.minified_body);
      expect(bodyHash(body)).toBe(v.body_sha256_lowerhex);
      const sts = symmetricStringToSign({
        method: v.inputs.httpMethod!,
        path: v.inputs.endpointUrl!,
        accessToken: v.inputs.accessToken!,
        bodyHash: bodyHash(body),
        timestamp: v.inputs.xTimestamp,
      });
      expect(sts).toBe(v.stringToSign);
      expect(hmacSign(v.inputs.clientSecret!, sts)).toBe(v.expected_signature_base64);
      expect(hmacVerify(v.inputs.clientSecret!, sts, v.expected_signature_base64)).toBe(true);
      expect(hmacVerify(v.inputs.clientSecret! + 'x', sts, v.expected_signature_base64)).toBe(
        false,
      );
    });
  }

  it('V6: asymmetric notification signature', () => {
    const v = vector('V6');
    const sts = asymmetricStringToSign({
      method: 'POST',
      path: v.inputs.endpointUrl!,
      bodyHash: bodyHash(compactJson(v.inputs.body)),
      timestamp: v.inputs.xTimestamp,
    });
    expect(sts).toBe(v.stringToSign);
    expect(rsaSign(privateKey, sts)).toBe(v.expected_signature_base64);
    expect(rsaVerify(publicKey, sts, v.expected_signature_base64)).toBe(true);
  });

  it('E1: DOKU published minify example keeps spaces inside values', () => {
    const pretty = JSON.stringify(JSON.parse(published.e1.minified_body), null, 4);
    expect(minifyJson(pretty)).toBe(published.e1.minified_body);
    expect(bodyHash(minifyJson(pretty))).toBe(published.e1.published_sha256_lowerhex);
  });

  it('E2: a published SNAP token signature with a PKCS#1 key', () => {
    const key = createPrivateKey(published.e2.published_example_private_key_pem_1024bit_TEST_ONLY);
    expect(rsaSign(key, published.e2.stringToSign)).toBe(published.e2.published_signature_base64);
  });
});

describe('notification verification', () => {
  const v5 = vector('V5');
  const v6 = vector('V6');
  const pretty = JSON.stringify(v5.inputs.body, null, 2);
  const keys = { clientSecret: v5.inputs.clientSecret!, dokuPublicKey: publicKey };
  const base = { method: 'POST', path: '/v1.0/debit/notify', timestamp: v5.inputs.xTimestamp };

  it('accepts variant A (HMAC with our token) over the raw bytes', () => {
    expect(
      verifyTransactionalSignature(
        {
          ...base,
          rawBody: v5.minified_body!,
          signature: v5.expected_signature_base64,
          accessToken: v5.inputs.accessToken,
        },
        keys,
      ),
    ).toEqual({ valid: true, form: 'HMAC', body: 'as-received' });
  });

  it('accepts variant B (RSA with DOKU key), also when the body arrived pretty-printed', () => {
    for (const rawBody of [v6.minified_body!, pretty, Buffer.from(pretty)]) {
      expect(
        verifyTransactionalSignature(
          { ...base, rawBody, signature: v6.expected_signature_base64, accessToken: 'any' },
          keys,
        ),
      ).toEqual({
        valid: true,
        form: 'RSA',
        body: rawBody === v6.minified_body ? 'as-received' : 'minified',
      });
    }
  });

  it('refuses a tampered amount, another token, another path, another timestamp', () => {
    const tampered = v5.minified_body!.replace('15000.00', '15001.00');
    const cases = [
      {
        ...base,
        rawBody: tampered,
        signature: v5.expected_signature_base64,
        accessToken: v5.inputs.accessToken,
      },
      { ...base, rawBody: tampered, signature: v6.expected_signature_base64 },
      {
        ...base,
        rawBody: v5.minified_body!,
        signature: v5.expected_signature_base64,
        accessToken: 'other-token',
      },
      {
        ...base,
        path: '/v1.0/debit/notify2',
        rawBody: v6.minified_body!,
        signature: v6.expected_signature_base64,
      },
      {
        ...base,
        timestamp: '2024-05-17T14:15:03+07:00',
        rawBody: v6.minified_body!,
        signature: v6.expected_signature_base64,
      },
      { ...base, rawBody: v6.minified_body!, signature: 'not base64 at all!' },
    ];
    for (const c of cases) expect(verifyTransactionalSignature(c, keys)).toEqual({ valid: false });
  });
});
