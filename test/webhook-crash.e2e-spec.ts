import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentsPaidAndRefunded, recordedEventIds } from './support/changes';
import { Harness, startHarness } from './support/harness';
import {
  buildService,
  removeBuild,
  ServiceProcess,
  startWorkerProcess,
} from './support/service-process';
import { waitFor } from './support/wait';
import { startWebhookReceiver, webhookSecret, WebhookReceiver } from './support/webhook-receiver';

/**
 * A worker dies (SIGKILL) with deliveries in flight; another takes over. Every event recorded
 * reaches the endpoint all the same.
 */
let h: Harness;
let receiver: WebhookReceiver;
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  buildService();
  receiver = await startWebhookReceiver();
  // Slow answers: a kill finds deliveries in hand.
  receiver.answer({ status: 200, delayMs: 150 });
  // The API (and the relay) here; deliveries and refunds only in the child processes.
  h = await startHarness({
    env: {
      ROLE: 'api',
      WEBHOOK_ENDPOINTS: JSON.stringify([
        { id: 'orders', url: receiver.url, secret: webhookSecret() },
      ]),
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RELAY_EVERY_MS: '50',
      WEBHOOK_BACKOFF_SCALE: '0.001',
      WEBHOOK_SWEEP_EVERY_MS: '1000',
    },
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await h?.close();
  await receiver?.close();
  removeBuild();
});

function startWorker(): ServiceProcess {
  const worker = startWorkerProcess(h.env, { DOKU_TIMEOUT_MS: '10000' });
  workers.push(worker);
  return worker;
}

describe('a worker killed mid-delivery', () => {
  it('SIGKILL with deliveries in hand: another worker delivers every event', async () => {
    const first = startWorker();
    const changes = paymentsPaidAndRefunded(h, 200, 100);
    await waitFor(async () => (receiver.received.length >= 50 ? true : undefined), 60_000);
    await first.kill();
    startWorker();
    await changes;
    const recorded = await recordedEventIds(h);
    expect(recorded.size).toBe(300);
    await waitFor(
      async () => {
        const ids = receiver.ids();
        return [...recorded].every((id) => ids.has(id)) ? true : undefined;
      },
      90_000,
      'every event delivered after the kill',
    );
    console.log(
      `worker killed: ${recorded.size} events, all received; ${receiver.duplicates()} delivered twice or more`,
    );
  }, 180_000);
});
