import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSweeper } from '../apps/payments/src/webhooks/webhook.sweeper';
import { paymentsPaidAndRefunded, recordedEventIds } from './support/changes';
import { Harness, startHarness } from './support/harness';
import { deleteRedisKeys } from './support/redis-keys';
import { waitFor } from './support/wait';
import { startWebhookReceiver, webhookSecret, WebhookReceiver } from './support/webhook-receiver';

/**
 * No event is lost whatever the endpoint or Redis does meanwhile: the set of webhook-ids the
 * receiver got equals the set of events recorded. Duplicates (at-least-once) are counted and said.
 */
let h: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  h = await startHarness({
    env: {
      WEBHOOK_ENDPOINTS: JSON.stringify([
        { id: 'orders', url: receiver.url, secret: webhookSecret() },
      ]),
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RELAY_EVERY_MS: '50',
      // 1 ms, 60 ms, 360 ms, 1.4 s, 3.6 s, 7.2 s ...: an outage of seconds spans several attempts.
      WEBHOOK_BACKOFF_SCALE: '0.0002',
      WEBHOOK_SWEEP_EVERY_MS: '500',
      REFUND_CONCURRENCY: '20',
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

async function expectEveryEventReceived(label: string) {
  const recorded = await recordedEventIds(h);
  await waitFor(
    async () => {
      const ids = receiver.ids();
      return [...recorded].every((id) => ids.has(id)) ? true : undefined;
    },
    120_000,
    `every recorded event received (${label})`,
  );
  const ids = receiver.ids();
  expect([...ids].filter((id) => !recorded.has(id))).toEqual([]);
  expect(ids.size).toBe(recorded.size);
  console.log(
    `${label}: ${recorded.size} events recorded, all received; ${receiver.duplicates()} delivered twice or more, ${receiver.received.length - ids.size - receiver.duplicates()} attempts failed on purpose`,
  );
}

describe('an endpoint that is down', () => {
  it('refusing connections, then answering 503, while 300 payments and refunds change: every event arrives once it is back', async () => {
    await receiver.refuse();
    const changes = paymentsPaidAndRefunded(h, 200, 100);
    await waitFor(
      async () => {
        const [{ n }] = await h.db.dataSource.query(`SELECT count(*)::int AS n FROM events`);
        return n >= 100 ? true : undefined;
      },
      60_000,
      '100 events while the endpoint refuses connections',
    );
    await receiver.accept();
    receiver.answer({ status: 503, body: 'maintenance' });
    await changes;
    const [{ failures }] = await h.db.dataSource.query(
      `SELECT count(*)::int AS failures FROM webhook_attempts WHERE outcome <> 'success'`,
    );
    expect(failures).toBeGreaterThan(0);
    receiver.answer({ status: 200 });
    await expectEveryEventReceived('refused then 503');
    expect((await recordedEventIds(h)).size).toBe(300);
    // Nothing left pending: the backlog gauge's source is empty.
    await waitFor(async () => {
      const [{ n }] = await h.db.dataSource.query(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'delivered'`,
      );
      return n === 0 ? true : undefined;
    });
  }, 240_000);
});

describe('Redis losing its jobs', () => {
  it('the queue emptied in the middle: the sweeper gives every pending delivery a job again', async () => {
    receiver.answer({ status: 503 });
    const before = receiver.received.length;
    await paymentsPaidAndRefunded(h, 200, 100);
    await waitFor(async () => (receiver.received.length > before ? true : undefined));
    await deleteRedisKeys(h.env.REDIS_URL, h.env.BULLMQ_PREFIX);
    receiver.answer({ status: 200 });
    const sweeper = h.app.get(WebhookSweeper);
    // The sweeper's schedule went with the keys (it is put back within a minute); run it here.
    await waitFor(
      async () => {
        await sweeper.sweepOnce();
        const [{ n }] = await h.db.dataSource.query(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`,
        );
        return n === 0 ? true : undefined;
      },
      120_000,
      'every delivery made after the flush',
    ).catch(async (err) => {
      console.log(
        await h.db.dataSource.query(
          `SELECT id, attempts, next_attempt_at, now() FROM webhook_deliveries WHERE status = 'pending' LIMIT 5`,
        ),
      );
      throw err;
    });
    await expectEveryEventReceived('after the queue was emptied');
  }, 240_000);
});
