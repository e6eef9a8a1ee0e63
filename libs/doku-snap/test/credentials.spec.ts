import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCredentials, normalizePem, RawCredentials } from '../src/credentials';
import { CredentialsError } from '../src/errors';
import { rsaSign } from '../src/signing/signatures';
import { testKeys, vector } from './vectors';

const v1 = vector('V1');
const base: RawCredentials = {
  clientId: v1.inputs.clientId!,
  clientSecret: 'SK-TestOnly0123456789ab',
  privateKey: testKeys.privateKeyPem,
  dokuPublicKey: testKeys.publicKeyPem,
};

/** The key loaded signs V1 exactly: proof it is the same key, not merely "a key". */
function signsV1(raw: RawCredentials): boolean {
  return (
    rsaSign(loadCredentials(raw).merchantPrivateKey, v1.stringToSign) ===
    v1.expected_signature_base64
  );
}

function credentialsError(raw: RawCredentials): CredentialsError {
  try {
    loadCredentials(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(CredentialsError);
    return err as CredentialsError;
  }
  throw new Error('expected a CredentialsError');
}

const dir = mkdtempSync(join(tmpdir(), 'doku-snap-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadCredentials', () => {
  it('accepts PKCS#8 PEM as is', () => {
    expect(signsV1(base)).toBe(true);
  });

  it('accepts PEM with literal \\n, as environment variables carry it', () => {
    const oneLine = testKeys.privateKeyPem.trim().replace(/\n/g, '\\n');
    expect(oneLine).not.toContain('\n');
    expect(signsV1({ ...base, privateKey: oneLine })).toBe(true);
    const publicOneLine = testKeys.publicKeyPem.trim().replace(/\n/g, '\\n');
    expect(() => loadCredentials({ ...base, dokuPublicKey: publicOneLine })).not.toThrow();
  });

  it('accepts Windows line ends', () => {
    expect(signsV1({ ...base, privateKey: testKeys.privateKeyPem.replace(/\n/g, '\r\n') })).toBe(
      true,
    );
  });

  it('accepts PKCS#1 ("BEGIN RSA PRIVATE KEY")', () => {
    const pkcs1 = createPrivateKey(testKeys.privateKeyPem)
      .export({ type: 'pkcs1', format: 'pem' })
      .toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(signsV1({ ...base, privateKey: pkcs1 })).toBe(true);
  });

  it('reads the keys from files', () => {
    const privateFile = join(dir, 'merchant.pem');
    const publicFile = join(dir, 'doku.pub.pem');
    writeFileSync(privateFile, testKeys.privateKeyPem);
    writeFileSync(publicFile, testKeys.publicKeyPem);
    const raw = {
      ...base,
      privateKey: undefined,
      dokuPublicKey: undefined,
      privateKeyFile: privateFile,
      dokuPublicKeyFile: publicFile,
    };
    expect(signsV1(raw)).toBe(true);
    expect(loadCredentials(raw).dokuPublicKey.asymmetricKeyType).toBe('rsa');
  });

  it('a garbage key fails with CredentialsError that does not quote the key', () => {
    const garbage =
      '-----BEGIN PRIVATE KEY-----\nTHIS-IS-NOT-A-KEY-bXlzZWNyZXQ=\n-----END PRIVATE KEY-----';
    const error = credentialsError({ ...base, privateKey: garbage });
    expect(error.message).toMatch(/^privateKey: /);
    expect(error.message).not.toContain('THIS-IS-NOT-A-KEY');
    expect(error.message).not.toContain('bXlzZWNyZXQ');
  });

  it('a truncated real key fails without quoting any of it', () => {
    const lines = testKeys.privateKeyPem.trim().split('\n');
    const truncated = [...lines.slice(0, 8), lines.at(-1)].join('\n');
    const error = credentialsError({ ...base, privateKey: truncated });
    for (const line of lines.slice(1, 8)) expect(error.message).not.toContain(line);
  });

  it('a public key given as the private key, or a non-RSA key, is refused', () => {
    expect(credentialsError({ ...base, privateKey: testKeys.publicKeyPem }).message).toMatch(
      /^privateKey/,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(credentialsError({ ...base, privateKey: ecPem }).message).toMatch(/^privateKey/);
    const ecPublic = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(credentialsError({ ...base, dokuPublicKey: ecPublic }).message).toMatch(
      /^dokuPublicKey/,
    );
  });

  it('names what is missing, and refuses a key given twice', () => {
    expect(credentialsError({ ...base, clientId: '' }).message).toBe('clientId: missing');
    expect(credentialsError({ ...base, clientSecret: '' }).message).toBe('clientSecret: missing');
    expect(credentialsError({ ...base, privateKey: undefined }).message).toBe(
      'privateKey: missing',
    );
    const both = credentialsError({ ...base, privateKeyFile: join(dir, 'x.pem') });
    expect(both.message).toMatch(/not both/);
  });

  it('an unreadable key file names the file, not its content', () => {
    const error = credentialsError({
      ...base,
      privateKey: undefined,
      privateKeyFile: join(dir, 'missing.pem'),
    });
    expect(error.message).toContain('missing.pem');
  });

  it('the loaded credentials are frozen', () => {
    const creds = loadCredentials(base);
    expect(Object.isFrozen(creds)).toBe(true);
  });
});

describe('normalizePem', () => {
  it('turns literal \\n and CRLF into newlines and ends with one newline', () => {
    expect(normalizePem('  -----A-----\\nB\r\nC  ')).toBe('-----A-----\nB\nC\n');
  });
});
