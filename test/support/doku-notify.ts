import { createPrivateKey, randomBytes } from 'node:crypto';
import {
  bodyHash,
  hmacSign,
  rsaSign,
  snapTimestamp,
  symmetricStringToSign,
  tokenStringToSign,
} from '@app/doku-snap';
import type { Harness } from './harness';

/** How the notification is signed: as DOKU does (HMAC or RSA), with another secret, or not at all. */
export type DokuSignature = 'HMAC' | 'RSA' | 'forged' | 'none';

/**
 * DOKU's token from the service (a request signed with DOKU's key), then a notification to `path`
 * signed as DOKU signs it (or not: `sign`), with `headers` of its channel besides.
 */
export async function notifyAsDoku(
  h: Harness,
  path: string,
  body: string,
  sign: DokuSignature = 'HMAC',
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const dokuKey = createPrivateKey(h.sim.credentials.dokuPrivateKeyPem);
  const { clientId, clientSecret } = h.sim.credentials;
  const at = snapTimestamp(Date.now());
  const token = await h.http
    .post('/authorization/v1/access-token/b2b')
    .set({
      'Content-Type': 'application/json',
      'X-CLIENT-KEY': clientId,
      'X-TIMESTAMP': at,
      'X-SIGNATURE': rsaSign(dokuKey, tokenStringToSign(clientId, at)),
    })
    .send('{"grantType":"client_credentials"}');
  const accessToken = token.body.accessToken as string;
  const parts = { method: 'POST', path, bodyHash: bodyHash(body), timestamp: at };
  const signature =
    sign === 'RSA'
      ? rsaSign(dokuKey, `POST:${path}:${parts.bodyHash}:${at}`)
      : hmacSign(
          sign === 'forged' ? 'not-the-secret' : clientSecret,
          symmetricStringToSign({ ...parts, accessToken }),
        );
  const sent: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${accessToken}`,
    'X-TIMESTAMP': at,
    'X-PARTNER-ID': clientId,
    'X-EXTERNAL-ID': String(Date.now()) + randomBytes(4).readUInt32BE(0),
    ...headers,
  };
  if (sign !== 'none') sent['X-SIGNATURE'] = signature;
  const res = await h.http.post(path).set(sent).send(body);
  return { status: res.status, body: res.body as Record<string, unknown> };
}
