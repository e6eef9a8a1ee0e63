import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Signature vectors computed independently of this code and cross-checked against DOKU's and
 * DANA's SDKs (copied from shared/spec/vectors.json). TEST-ONLY keys and secrets.
 */
export interface Vector {
  id: string;
  inputs: {
    clientId?: string;
    xTimestamp: string;
    httpMethod?: string;
    endpointUrl?: string;
    accessToken?: string;
    clientSecret?: string;
    body?: unknown;
  };
  minified_body?: string;
  body_sha256_lowerhex?: string;
  stringToSign: string;
  expected_signature_base64: string;
}

const file = JSON.parse(readFileSync(join(__dirname, 'vectors.json'), 'utf8'));

export const testKeys: { privateKeyPem: string; publicKeyPem: string } = {
  privateKeyPem: file.test_rsa_2048.private_key_pem,
  publicKeyPem: file.test_rsa_2048.public_key_pem,
};

export const vectors: Vector[] = file.vectors;

export function vector(prefix: string): Vector {
  const found = vectors.find((v) => v.id.startsWith(prefix));
  if (!found) throw new Error(`no vector ${prefix}`);
  return found;
}

export const published = {
  e1: file.external_published_vectors[0] as {
    minified_body: string;
    published_sha256_lowerhex: string;
  },
  e2: file.external_published_vectors[1] as {
    stringToSign: string;
    published_example_private_key_pem_1024bit_TEST_ONLY: string;
    published_signature_base64: string;
  },
};
