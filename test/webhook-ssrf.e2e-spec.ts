import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidPayment } from './support/flows';
import { Harness, startHarness } from './support/harness';
import { waitFor } from './support/wait';
import { startWebhookReceiver, webhookSecret, WebhookReceiver } from './support/webhook-receiver';

/**
 * A webhook URL reaches only public addresses and WEBHOOK_ALLOWED_CIDRS: loopback (however it is
 * written), link-local metadata and names resolving to private addresses are refused before a
 * connection is made, and a redirect is never followed.
 */
let strict: Harness;
let allowed: Harness;
let target: WebhookReceiver;
let redirector: WebhookReceiver;

const endpoint = (id: string, url: string) => ({ id, url, secret: webhookSecret() });

beforeAll(async () => {
  target = await startWebhookReceiver();
  redirector = await startWebhookReceiver();
  const port = new URL(target.url).port;
  let redirects = 0;
  redirector.answer(() => ({
    status: 302,
    headers: {
      location: redirects++ === 0 ? 'http://169.254.169.254/latest/meta-data/' : target.url,
    },
  }));
  strict = await startHarness({
    env: {
      WEBHOOK_ENDPOINTS: JSON.stringify([
        endpoint('literal', `http://127.0.0.1:${port}/hooks`),
        endpoint('mapped', `http://[::ffff:127.0.0.1]:${port}/hooks`),
        endpoint('metadata', 'http://169.254.169.254/latest/meta-data/'),
        endpoint('named', `http://localhost:${port}/hooks`),
      ]),
      WEBHOOK_RELAY_EVERY_MS: '50',
    },
  });
  allowed = await startHarness({
    env: {
      WEBHOOK_ENDPOINTS: JSON.stringify([endpoint('redirecting', redirector.url)]),
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
      WEBHOOK_RELAY_EVERY_MS: '50',
      WEBHOOK_BACKOFF_SCALE: '0.001',
    },
  });
});
afterAll(async () => {
  await strict?.close();
  await allowed?.close();
  await target?.close();
  await redirector?.close();
});

/** The first attempt of each delivery of the payment's payment.paid, by endpoint. */
async function firstAttempts(h: Harness, paymentId: string, endpoints: number) {
  return waitFor(
    async () => {
      const rows: { endpoint_id: string; outcome: string; status_code: number | null }[] =
        await h.db.dataSource.query(
          `SELECT d.endpoint_id, a.outcome, a.status_code FROM events e
           JOIN webhook_deliveries d ON d.event_id = e.id
           JOIN webhook_attempts a ON a.delivery_id = d.id
           WHERE e.resource_id = $1 AND e.type = 'payment.paid' ORDER BY d.endpoint_id`,
          [paymentId],
        );
      return new Set(rows.map((r) => r.endpoint_id)).size >= endpoints ? rows : undefined;
    },
    20_000,
    'first attempts recorded',
  );
}

describe('webhook addresses', () => {
  it('127.0.0.1, [::ffff:127.0.0.1], 169.254.169.254 and a name resolving to loopback are refused with no connection made', async () => {
    const paid = await paidPayment(strict);
    const attempts = await firstAttempts(strict, paid.id, 4);
    const byEndpoint = new Map(attempts.map((a) => [a.endpoint_id, a]));
    for (const id of ['literal', 'mapped', 'metadata', 'named'])
      expect(byEndpoint.get(id)).toMatchObject({ outcome: 'blocked', status_code: null });
    expect(target.connections).toBe(0);
    const event = (await strict.db.dataSource.query(
      `SELECT id FROM events WHERE resource_id = $1`,
      [paid.id],
    )) as { id: string }[];
    const detail = await strict.http.get(`/v1/events/${event[0].id}`).set(strict.auth);
    expect(detail.body.deliveries[0].history[0].excerpt).toMatch(/not public, and not allowed/);
  });

  it('a 302 (to the metadata address or anywhere) is a failed attempt, never followed', async () => {
    const paid = await paidPayment(allowed);
    const [attempt] = await firstAttempts(allowed, paid.id, 1);
    expect(attempt).toMatchObject({ outcome: 'http_error', status_code: 302 });
    expect(redirector.received.length).toBeGreaterThan(0);
    // A later attempt redirected to an allowed receiver: not followed either.
    await waitFor(async () => (redirector.received.length >= 2 ? true : undefined), 20_000);
    expect(target.connections).toBe(0);
  });
});
