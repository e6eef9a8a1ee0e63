import { KeyObject } from 'node:crypto';
import { minifyJson } from './json';
import {
  asymmetricStringToSign,
  bodyHash,
  hmacVerify,
  rsaVerify,
  symmetricStringToSign,
  tokenStringToSign,
} from './signatures';

export type SignatureForm = 'HMAC' | 'RSA';

/** Which bytes the body hash that matched was taken over: as received, or minified. */
export type BodyMatched = 'as-received' | 'minified';

export interface IncomingSignedRequest {
  method: string;
  path: string;
  timestamp: string;
  /** The bytes exactly as received. */
  rawBody: string | Buffer;
  signature: string;
  /** The bearer token the caller presented (needed for the HMAC form). */
  accessToken?: string;
}

/** A form whose key is absent is not tried (the signature CLI may hold only one of them). */
export interface VerificationKeys {
  clientSecret?: string;
  dokuPublicKey?: KeyObject;
}

/**
 * Checks an `X-SIGNATURE` from DOKU in either documented form: HMAC-SHA512 with our secret and the
 * token we issued (variant A), or SHA256withRSA with DOKU's key (variant B). The body hash is taken
 * over the raw bytes first, then over their minified form (DOKU may hash a re-minified body).
 */
export function verifyTransactionalSignature(
  request: IncomingSignedRequest,
  keys: VerificationKeys,
): { valid: true; form: SignatureForm; body: BodyMatched } | { valid: false } {
  const hashes: [BodyMatched, string][] = [['as-received', bodyHash(request.rawBody)]];
  const raw = Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : request.rawBody;
  try {
    const minified = minifyJson(raw);
    if (minified !== raw) hashes.push(['minified', bodyHash(minified)]);
  } catch {
    // Not JSON: only the raw bytes can match.
  }
  for (const [body, hash] of hashes) {
    const parts = {
      method: request.method,
      path: request.path,
      bodyHash: hash,
      timestamp: request.timestamp,
    };
    if (
      keys.clientSecret !== undefined &&
      request.accessToken !== undefined &&
      hmacVerify(
        keys.clientSecret,
        symmetricStringToSign({ ...parts, accessToken: request.accessToken }),
        request.signature,
      )
    ) {
      return { valid: true, form: 'HMAC', body };
    }
    if (
      keys.dokuPublicKey !== undefined &&
      rsaVerify(keys.dokuPublicKey, asymmetricStringToSign(parts), request.signature)
    ) {
      return { valid: true, form: 'RSA', body };
    }
  }
  return { valid: false };
}

/** Checks DOKU's token request to us: SHA256withRSA over `clientId|X-TIMESTAMP` with DOKU's key. */
export function verifyTokenRequestSignature(
  clientId: string,
  timestamp: string,
  signature: string,
  dokuPublicKey: KeyObject,
): boolean {
  return rsaVerify(dokuPublicKey, tokenStringToSign(clientId, timestamp), signature);
}
