import type { IncomingHttpHeaders } from 'node:http';
import type { KeyObject } from 'node:crypto';
import {
  bodyHash,
  hmacVerify,
  isValidExternalId,
  parseSnapTimestamp,
  rsaVerify,
  symmetricStringToSign,
  tokenStringToSign,
} from '@app/doku-snap';
import { reject } from './snap-answer';
import type { IssuedToken } from './state';

/** A SNAP request as it arrived: the target exactly as sent (it is signed) and the raw bytes. */
export interface IncomingSnap {
  method: string;
  /** Path plus query string, verbatim: what the caller put in its stringToSign. */
  target: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** Timestamps further than this from the simulator's clock are refused (replay protection). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const DEVICE_ID_RE = /^[A-Za-z0-9]{1,64}$/;
const BEARER_RE = /^Bearer ([^\s]+)$/;

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function required(headers: IncomingHttpHeaders, name: string, display: string): string {
  const value = header(headers, name);
  if (value === undefined || value === '') throw reject.mandatory(display);
  return value;
}

/** Format first (400xx01), then distance from our clock (401xx00: it is part of what is signed). */
function checkTimestamp(timestamp: string, nowMs: number): void {
  const at = parseSnapTimestamp(timestamp);
  if (at === null) throw reject.format('X-TIMESTAMP');
  if (Math.abs(at - nowMs) > MAX_CLOCK_SKEW_MS) {
    throw reject.unauthorized('X-TIMESTAMP is more than 5 minutes from server time');
  }
}

export interface TokenRequestContext {
  clientId: string;
  merchantPublicKey: KeyObject;
  nowMs: number;
}

/** The B2B token request: X-CLIENT-KEY, X-TIMESTAMP and SHA256withRSA over `clientId|timestamp` (merchant key). */
export function verifyTokenRequest(req: IncomingSnap, ctx: TokenRequestContext): void {
  const clientKey = required(req.headers, 'x-client-key', 'X-CLIENT-KEY');
  const timestamp = required(req.headers, 'x-timestamp', 'X-TIMESTAMP');
  const signature = required(req.headers, 'x-signature', 'X-SIGNATURE');
  if (parseSnapTimestamp(timestamp) === null) throw reject.format('X-TIMESTAMP');
  if (clientKey !== ctx.clientId) throw reject.unauthorized('Unknown X-CLIENT-KEY');
  checkTimestamp(timestamp, ctx.nowMs);
  if (!rsaVerify(ctx.merchantPublicKey, tokenStringToSign(clientKey, timestamp), signature)) {
    throw reject.unauthorized('Invalid Signature');
  }
}

/**
 * Which customer headers the call must carry: the device of a redirect wallet's payment and
 * refund, the customer token of a bound wallet's payment, refund and balance, or none.
 */
export type CustomerHeaders = 'device' | 'customer_token' | 'none';

export interface TransactionalContext {
  clientId: string;
  clientSecret: string;
  tokens: Map<string, IssuedToken>;
  nowMs: number;
  customerHeaders: CustomerHeaders;
}

export interface VerifiedCall {
  clientId: string;
  externalId: string;
  bodyHash: string;
  /** The bare token of `Authorization-Customer`, when the call must carry one. */
  customerToken?: string;
}

/**
 * A transactional call, checked in this order: mandatory headers and their formats (400xx02 / 400xx01), the
 * partner (401xx00), the bearer token (401xx01 invalid or expired / 401xx03 never issued), the
 * timestamp window and the HMAC over the raw bytes received (401xx00).
 */
export function verifyTransactional(req: IncomingSnap, ctx: TransactionalContext): VerifiedCall {
  const h = req.headers;
  const timestamp = required(h, 'x-timestamp', 'X-TIMESTAMP');
  if (parseSnapTimestamp(timestamp) === null) throw reject.format('X-TIMESTAMP');
  const partnerId = required(h, 'x-partner-id', 'X-PARTNER-ID');
  const externalId = required(h, 'x-external-id', 'X-EXTERNAL-ID');
  if (!isValidExternalId(externalId)) throw reject.format('X-EXTERNAL-ID');
  const signature = required(h, 'x-signature', 'X-SIGNATURE');
  if (ctx.customerHeaders === 'device') {
    const deviceId = required(h, 'x-device-id', 'X-DEVICE-ID');
    if (!DEVICE_ID_RE.test(deviceId)) throw reject.format('X-DEVICE-ID');
  }
  let customerToken: string | undefined;
  if (ctx.customerHeaders === 'customer_token') {
    const bearer = BEARER_RE.exec(required(h, 'authorization-customer', 'Authorization-Customer'));
    if (!bearer) throw reject.format('Authorization-Customer');
    customerToken = bearer[1];
  }

  if (partnerId !== ctx.clientId) throw reject.unauthorized('Unknown X-PARTNER-ID');

  const bearer = BEARER_RE.exec(header(h, 'authorization') ?? '');
  if (!bearer) throw reject.invalidToken('Authorization must be Bearer <token>');
  const accessToken = bearer[1];
  const issued = ctx.tokens.get(accessToken);
  if (!issued) throw reject.tokenNotFound();
  if (issued.expiresAtMs <= ctx.nowMs) throw reject.invalidToken('Token expired');
  if (issued.clientId !== partnerId) throw reject.invalidToken('Token issued to another client');

  checkTimestamp(timestamp, ctx.nowMs);
  const hash = bodyHash(req.raw);
  const stringToSign = symmetricStringToSign({
    method: req.method,
    path: req.target,
    accessToken,
    bodyHash: hash,
    timestamp,
  });
  if (!hmacVerify(ctx.clientSecret, stringToSign, signature)) {
    throw reject.unauthorized('Invalid Signature');
  }
  return { clientId: partnerId, externalId, bodyHash: hash, customerToken };
}
