import { createHash, createHmac, KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';

/** Lower-case hex SHA-256 of the exact body bytes (empty body: hash of the empty string). */
export function bodyHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** `clientId|X-TIMESTAMP`: the B2B token request, either direction. */
export function tokenStringToSign(clientId: string, timestamp: string): string {
  return `${clientId}|${timestamp}`;
}

export interface TransactionalParts {
  method: string;
  /** Path (and query) only: no scheme, no host. */
  path: string;
  bodyHash: string;
  timestamp: string;
}

/** `METHOD:path:token:bodyHash:timestamp`, the symmetric (HMAC) form; token without `Bearer `. */
export function symmetricStringToSign(parts: TransactionalParts & { accessToken: string }): string {
  return `${parts.method.toUpperCase()}:${parts.path}:${parts.accessToken}:${parts.bodyHash}:${parts.timestamp}`;
}

/** `METHOD:path:bodyHash:timestamp`, the asymmetric transactional form (no token). */
export function asymmetricStringToSign(parts: TransactionalParts): string {
  return `${parts.method.toUpperCase()}:${parts.path}:${parts.bodyHash}:${parts.timestamp}`;
}

/** Base64 HMAC-SHA512 keyed with the UTF-8 bytes of the client secret (88 characters). */
export function hmacSign(clientSecret: string, stringToSign: string): string {
  return createHmac('sha512', clientSecret).update(stringToSign, 'utf8').digest('base64');
}

/** Base64 RSASSA-PKCS1-v1_5 with SHA-256 (344 characters for a 2048-bit key). */
export function rsaSign(privateKey: KeyObject, stringToSign: string): string {
  return sign('sha256', Buffer.from(stringToSign, 'utf8'), privateKey).toString('base64');
}

/** Exact, constant-time comparison of two signatures as text (base64 is case-sensitive). */
export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  if (a.length !== b.length) {
    // Burn comparable time so the length check does not stand out.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export function hmacVerify(clientSecret: string, stringToSign: string, signature: string): boolean {
  return signaturesEqual(hmacSign(clientSecret, stringToSign), signature);
}

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

export function rsaVerify(publicKey: KeyObject, stringToSign: string, signature: string): boolean {
  if (!BASE64_RE.test(signature)) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(stringToSign, 'utf8'),
      publicKey,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}
