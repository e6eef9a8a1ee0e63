import { createHmac } from 'node:crypto';
import type { SigningKey } from '../config/webhook-endpoints';

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
