import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CredentialsError } from './errors';

/** What a merchant holds to talk to DOKU, parsed once. */
export interface SnapCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly merchantPrivateKey: KeyObject;
  /** Verifies what DOKU sends us (its token requests and RSA-signed notifications). */
  readonly dokuPublicKey: KeyObject;
}

export interface RawCredentials {
  clientId: string;
  clientSecret: string;
  /** PEM text; a literal `\n` (as environment variables often carry) is accepted. */
  privateKey?: string;
  privateKeyFile?: string;
  dokuPublicKey?: string;
  dokuPublicKeyFile?: string;
}

/** Environment variables and files often carry PEM with literal `\n` or Windows line ends. */
export function normalizePem(text: string): string {
  return text.replace(/\\n/g, '\n').replace(/\r\n/g, '\n').trim() + '\n';
}

/** PEM text from the value or the file named (exactly one of them); errors never quote the key. */
export function pemFrom(name: string, text: string | undefined, file: string | undefined): string {
  if (text && file) throw new CredentialsError(`${name}: give the key or its file, not both`);
  if (file) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new CredentialsError(`${name}: cannot read the key file ${file}`);
    }
  }
  if (!text) throw new CredentialsError(`${name}: missing`);
  return text;
}

export function parsePrivateKey(name: string, pem: string): KeyObject {
  try {
    const key = createPrivateKey({ key: normalizePem(pem), format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    // The parser's own message may quote the input; say only what is wrong.
    throw new CredentialsError(`${name}: not a valid RSA private key in PEM (PKCS#8 or PKCS#1)`);
  }
}

export function parsePublicKey(name: string, pem: string): KeyObject {
  try {
    const key = createPublicKey({ key: normalizePem(pem), format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    throw new CredentialsError(`${name}: not a valid RSA public key in PEM`);
  }
}

export function loadCredentials(raw: RawCredentials): SnapCredentials {
  if (!raw.clientId) throw new CredentialsError('clientId: missing');
  if (!raw.clientSecret) throw new CredentialsError('clientSecret: missing');
  return Object.freeze({
    clientId: raw.clientId,
    clientSecret: raw.clientSecret,
    merchantPrivateKey: parsePrivateKey(
      'privateKey',
      pemFrom('privateKey', raw.privateKey, raw.privateKeyFile),
    ),
    dokuPublicKey: parsePublicKey(
      'dokuPublicKey',
      pemFrom('dokuPublicKey', raw.dokuPublicKey, raw.dokuPublicKeyFile),
    ),
  });
}
