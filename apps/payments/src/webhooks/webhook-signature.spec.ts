import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signingKey } from '../config/webhook-endpoints';
import { deliveryHeaders } from './webhook-signature';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const now = () => Date.now() / 1000;
const body = JSON.stringify({
  id: 'evt_01',
  type: 'payment.paid',
  timestamp: '2026-12-05T10:00:00.000Z',
  data: { id: 'p1', status: 'PAID', metadata: { note: 'Kopi, ☕' } },
});

describe('Standard Webhooks signatures (verified by the standardwebhooks package)', () => {
  it('a delivery verifies with the endpoint secret', () => {
    const s = secret();
    const headers = deliveryHeaders('evt_01', now(), body, [signingKey(s)]);
    expect(new Webhook(s).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('during a rotation both secrets verify the same delivery', () => {
    const current = secret();
    const previous = secret();
    const headers = deliveryHeaders('evt_01', now(), body, [
      signingKey(current),
      signingKey(previous),
    ]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(secret()).verify(body, headers)).toThrow();
  });

  it('a tampered body, id or timestamp does not verify', () => {
    const s = secret();
    const headers = deliveryHeaders('evt_01', now(), body, [signingKey(s)]);
    const wh = new Webhook(s);
    expect(() => wh.verify(body.replace('PAID', 'FAILED'), headers)).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'evt_02' })).toThrow();
    expect(() =>
      wh.verify(body, {
        ...headers,
        'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1),
      }),
    ).toThrow();
  });

  it('refuses a secret that is not whsec_ and 24-64 bytes, without echoing it', () => {
    for (const bad of [
      'whsec_',
      randomBytes(32).toString('base64'),
      `whsec_${randomBytes(16).toString('base64')}`,
      `whsec_${randomBytes(65).toString('base64')}`,
      'whsec_not base64!',
    ]) {
      let message = '';
      try {
        signingKey(bad);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/24-64 random bytes/);
      if (bad.length > 6) expect(message).not.toContain(bad.slice(6, 20));
    }
  });
});
