import { createHash, timingSafeEqual } from 'node:crypto';
import { SnapCredentials, verifyTokenRequestSignature } from '@app/doku-snap';
import { SnapErrors } from './snap-error';
import { checkTimestampWindow } from './timestamp-window';

export interface TokenRequest {
  clientKey?: string;
  timestamp?: string;
  signature?: string;
  rawBody: Buffer;
}

export interface TokenRequestPolicy {
  credentials: SnapCredentials;
  nowMs: number;
  toleranceSeconds: number;
  errors: SnapErrors;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * DOKU asking for a token before it notifies: `X-CLIENT-KEY` is our client id, `X-SIGNATURE`
 * is SHA256withRSA over `clientId|X-TIMESTAMP` with DOKU's key, the timestamp is recent, and the
 * body asks for client credentials. Throws the SNAP refusal otherwise.
 */
export function verifyTokenRequest(request: TokenRequest, policy: TokenRequestPolicy): void {
  const { errors, credentials } = policy;
  if (request.clientKey === undefined) throw errors.invalidMandatoryField('X-CLIENT-KEY');
  if (request.timestamp === undefined) throw errors.invalidMandatoryField('X-TIMESTAMP');
  if (request.signature === undefined) throw errors.invalidMandatoryField('X-SIGNATURE');
  // Digests compare in constant time whatever the lengths.
  if (!timingSafeEqual(digest(request.clientKey), digest(credentials.clientId))) {
    throw errors.unauthorized('Unknown Client');
  }
  checkTimestampWindow(request.timestamp, policy.nowMs, policy.toleranceSeconds, errors);
  if (
    !verifyTokenRequestSignature(
      credentials.clientId,
      request.timestamp,
      request.signature,
      credentials.dokuPublicKey,
    )
  ) {
    throw errors.unauthorized('Invalid Signature');
  }
  checkGrantType(request.rawBody, errors);
}

function checkGrantType(rawBody: Buffer, errors: SnapErrors): void {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw errors.badRequest();
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.badRequest();
  const grantType = (body as { grantType?: unknown }).grantType;
  if (grantType === undefined || grantType === null || grantType === '')
    throw errors.invalidMandatoryField('grantType');
  if (grantType !== 'client_credentials') throw errors.invalidFieldFormat('grantType');
}
