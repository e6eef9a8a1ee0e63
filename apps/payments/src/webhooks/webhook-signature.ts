import { createHmac } from 'node:crypto';

/** An endpoint's signing key, from its `whsec_<base64>` secret. Never logged: it is the secret. */
export type SigningKey = Buffer & { readonly __signingKey: unique symbol };

const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** @throws Error (naming no part of the secret) when it is not `whsec_` and 24-64 bytes in base64. */
export function signingKey(secret: string): SigningKey {
  const base64 = SECRET.exec(secret)?.[1];
  const key = base64 === undefined ? undefined : Buffer.from(base64, 'base64');
  if (key === undefined || key.length < 24 || key.length > 64 || key.toString('base64') !== base64)
    throw new Error('a webhook secret must be whsec_ and the base64 of 24-64 random bytes');
  return key as SigningKey;
}

/**
 * The Standard Webhooks headers of one delivery attempt: `webhook-signature` is `v1,<base64 of
 * HMAC-SHA256 over "id.timestamp.body">` for each key (the current one and, during a rotation, the
 * previous one), space-separated. The body is signed as the bytes sent.
 */
export function deliveryHeaders(
  eventId: string,
  timestampSeconds: number,
  body: Buffer | string,
  keys: readonly SigningKey[],
): Record<string, string> {
  const timestamp = String(Math.floor(timestampSeconds));
  const signatures = keys.map(
    (key) =>
      `v1,${createHmac('sha256', key).update(`${eventId}.${timestamp}.`).update(body).digest('base64')}`,
  );
  return {
    'content-type': 'application/json',
    'webhook-id': eventId,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
  };
}
