import {
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  randomInt,
} from 'node:crypto';
import { CredentialsError, normalizePem, parsePrivateKey, parsePublicKey } from '@app/doku-snap';
import type { SimulatorCredentials } from './types';

/** Credentials as text (what is shown and shared) plus the parsed keys the simulator uses. */
export interface SimulatorKeys {
  credentials: SimulatorCredentials;
  merchantPublicKey: KeyObject;
  dokuPrivateKey: KeyObject;
}

function generatePair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Same shapes as DOKU's Back Office: `BRN-…` client id, `SK-` + 20 characters secret. */
export function generateClientId(): string {
  return `BRN-SIM-${randomInt(1_000_000_000_000, 10_000_000_000_000)}`;
}

export function generateClientSecret(): string {
  const bytes = randomBytes(20);
  let out = 'SK-';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

function publicPemOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Fills in whatever was not given. A private key given alone yields its public half; the merchant
 * public key may come alone (the simulator never signs as the merchant), the DOKU key may not (the
 * simulator signs with it).
 */
export function resolveKeys(given: Partial<SimulatorCredentials> = {}): SimulatorKeys {
  let merchantPrivateKeyPem = given.merchantPrivateKeyPem ?? '';
  let merchantPublicKeyPem = given.merchantPublicKeyPem ?? '';
  if (!merchantPrivateKeyPem && !merchantPublicKeyPem) {
    const pair = generatePair();
    merchantPrivateKeyPem = pair.privateKeyPem;
    merchantPublicKeyPem = pair.publicKeyPem;
  } else if (!merchantPublicKeyPem) {
    merchantPrivateKeyPem = normalizePem(merchantPrivateKeyPem);
    merchantPublicKeyPem = publicPemOf(
      parsePrivateKey('merchantPrivateKeyPem', merchantPrivateKeyPem),
    );
  } else if (merchantPrivateKeyPem) {
    merchantPrivateKeyPem = normalizePem(merchantPrivateKeyPem);
  }
  merchantPublicKeyPem = normalizePem(merchantPublicKeyPem);

  let dokuPrivateKeyPem = given.dokuPrivateKeyPem ?? '';
  if (!dokuPrivateKeyPem) {
    if (given.dokuPublicKeyPem) {
      throw new CredentialsError(
        'dokuPublicKeyPem given without dokuPrivateKeyPem: the simulator signs with it',
      );
    }
    dokuPrivateKeyPem = generatePair().privateKeyPem;
  }
  dokuPrivateKeyPem = normalizePem(dokuPrivateKeyPem);
  const dokuPrivateKey = parsePrivateKey('dokuPrivateKeyPem', dokuPrivateKeyPem);
  // The public half is always derived so the pair cannot disagree.
  const dokuPublicKeyPem = publicPemOf(dokuPrivateKey);

  const credentials: SimulatorCredentials = {
    clientId: given.clientId || generateClientId(),
    clientSecret: given.clientSecret || generateClientSecret(),
    merchantPrivateKeyPem,
    merchantPublicKeyPem,
    dokuPrivateKeyPem,
    dokuPublicKeyPem,
  };
  return {
    credentials,
    merchantPublicKey: parsePublicKey('merchantPublicKeyPem', merchantPublicKeyPem),
    dokuPrivateKey,
  };
}
