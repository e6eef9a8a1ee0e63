import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { WebhookQueue } from '../apps/payments/src/webhooks/webhook-queue';
import { ReconciliationService } from '../apps/payments/src/reconciliation/reconciliation.service';
import { createPayment, dokuAnswersOnce, paidPayment, settledRefund } from './support/flows';
import { Harness, startHarness } from './support/harness';
import { waitFor } from './support/wait';
import { startWebhookReceiver, webhookSecret, WebhookReceiver } from './support/webhook-receiver';

/**
 * Every outcome reaches the caller's endpoint, signed as Standard Webhooks says: a receiver
 * verifies each delivery with the standardwebhooks package, with either secret during a rotation.
 */
const secret = webhookSecret();
const previous = webhookSecret();
let h: Harness;
let receiver: WebhookReceiver;
let gone: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  gone = await startWebhookReceiver();
  gone.answer({ status: 410 });
  h = await startHarness({
    env: {
      WEBHOOK_ENDPOINTS: JSON.stringify([
        { id: 'orders', url: receiver.url, secret, previousSecret: previous },
        {
          id: 'ledger',
          url: `${gone.url}?token=sekrit-in-url`,
          secret: webhookSecret(),
          events: ['refund.*'],
        },
      ]),
      WEBHOOK_SWEEP_EVERY_MS: '500',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RELAY_EVERY_MS: '50',
      WEBHOOK_BACKOFF_SCALE: '0.001',
    },
  });
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
  await gone?.close();
});

const HOUR = 3_600_000;

/** The delivery of `type` about `resourceId`, once it arrived. */
function deliveryOf(type: string, resourceId: string) {
  return waitFor(
    async () =>
      receiver.received.find((r) => {
        const body = JSON.parse(r.body) as { type: string; data: { id: string } };
        return body.type === type && body.data.id === resourceId;
      }),
    20_000,
    `${type} for ${resourceId}`,
  );
}

async function statusCheck(id: string, status: string) {
  await waitFor(async () => {
    const res = await h.http.post(`/v1/payments/${id}/status-check`).set(h.auth);
    return res.body.status === status ? true : undefined;
  });
}

describe('webhook deliveries', () => {
  it('every event type arrives, verifies with standardwebhooks under both secrets, and a tampered body does not', async () => {
    const paid = await paidPayment(h);
    const failed = await createPayment(h);
    await h.sim.control.completePayment(failed.partnerReferenceNo, '06');
    await statusCheck(failed.id, 'FAILED');
    const cancelled = await createPayment(h);
    await h.sim.control.completePayment(cancelled.partnerReferenceNo, '05');
    await statusCheck(cancelled.id, 'CANCELLED');
    const expired = await createPayment(h);
    await h.app.get(ReconciliationService).runOnce(Date.now() + 25 * HOUR);
    // Paid after it expired: a person is told (and the default policy refunds it).
    await h.sim.control.completePayment(expired.partnerReferenceNo, '00');
    const refunded = await h.http
      .post(`/v1/payments/${paid.id}/refunds`)
      .set(h.auth)
      .send({ amount: { value: '1000.00', currency: 'IDR' } });
    await settledRefund(h, refunded.body.id);
    dokuAnswersOnce(h, 'refund', '4035815', 'Transaction Not Permitted');
    const refused = await h.http
      .post(`/v1/payments/${paid.id}/refunds`)
      .set(h.auth)
      .send({ amount: { value: '1000.00', currency: 'IDR' } });
    expect((await settledRefund(h, refused.body.id)).status).toBe('FAILED');

    const deliveries = [
      await deliveryOf('payment.paid', paid.id),
      await deliveryOf('payment.failed', failed.id),
      await deliveryOf('payment.cancelled', cancelled.id),
      await deliveryOf('payment.expired', expired.id),
      await deliveryOf('payment.needs_attention', expired.id),
      await deliveryOf('refund.succeeded', refunded.body.id),
      await deliveryOf('refund.failed', refused.body.id),
    ];
    for (const d of deliveries) {
      const event = new Webhook(secret).verify(d.body, d.headers as Record<string, string>) as {
        id: string;
        type: string;
        timestamp: string;
        data: Record<string, unknown>;
      };
      expect(event.id).toBe(d.headers['webhook-id']);
      expect(new Webhook(previous).verify(d.body, d.headers as Record<string, string>)).toEqual(
        event,
      );
      expect(() =>
        new Webhook(secret).verify(
          d.body.replace('"status"', '"Status"'),
          d.headers as Record<string, string>,
        ),
      ).toThrow();
      expect(() =>
        new Webhook(webhookSecret()).verify(d.body, d.headers as Record<string, string>),
      ).toThrow();
    }
    // `data` is the resource as the API shows it at that change.
    const paidEvent = JSON.parse(deliveries[0].body) as { data: Record<string, unknown> };
    const shown = (await h.http.get(`/v1/payments/${paid.id}`).set(h.auth)).body;
    expect(paidEvent.data).toMatchObject({
      id: paid.id,
      status: 'PAID',
      amount: { value: '15000.00', currency: 'IDR' },
      refundedAmount: { value: '0.00', currency: 'IDR' },
      paidAt: shown.paidAt,
      createdAt: shown.createdAt,
    });
    expect(paidEvent.data).not.toHaveProperty('requestBody');
    const refundEvent = JSON.parse(deliveries[5].body) as { data: Record<string, unknown> };
    expect(refundEvent.data).toMatchObject({
      id: refunded.body.id,
      paymentId: paid.id,
      status: 'SUCCEEDED',
      amount: { value: '1000.00', currency: 'IDR' },
    });

    // The same events, the same bytes, through the catch-up API and one by one.
    const all = await h.http.get('/v1/events').query({ limit: 100 }).set(h.auth);
    expect(all.status).toBe(200);
    const byId = new Map(
      (all.body.items as { id: string }[]).map((e) => [e.id, JSON.stringify(e)]),
    );
    for (const d of deliveries) expect(byId.get(d.id)).toBe(d.body);
    const one = await h.http.get(`/v1/events/${deliveries[0].id}`).set(h.auth);
    expect(one.body.deliveries).toEqual([
      expect.objectContaining({
        endpointId: 'orders',
        status: 'delivered',
        history: [expect.objectContaining({ outcome: 'success', statusCode: 204 })],
      }),
    ]);
  });
});

describe('endpoints that go away, and redelivery', () => {
  async function refundOfNewPayment(): Promise<string> {
    const paid = await paidPayment(h);
    const res = await h.http
      .post(`/v1/payments/${paid.id}/refunds`)
      .set(h.auth)
      .send({ amount: { value: '500.00', currency: 'IDR' } });
    await settledRefund(h, res.body.id);
    return res.body.id as string;
  }

  it('a 410 disables the endpoint: its deliveries wait, and go once an operator enables it', async () => {
    const first = await refundOfNewPayment();
    const endpoints = async () =>
      (await h.http.get('/v1/webhook-endpoints').set(h.auth)).body as {
        id: string;
        disabled: boolean;
      }[];
    await waitFor(async () =>
      (await endpoints()).find((e) => e.id === 'ledger')?.disabled ? true : undefined,
    );
    const shown = JSON.stringify(await endpoints());
    expect(shown).not.toMatch(/whsec_|sekrit/);
    expect(await endpoints()).toContainEqual(
      expect.objectContaining({
        id: 'ledger',
        url: `${gone.url}?…`,
        disabled: true,
        disabledReason: 'answered 410 Gone',
      }),
    );
    const metrics = (await h.http.get('/metrics')).text;
    expect(metrics).toMatch(/webhook_endpoint_disabled\{endpoint="ledger"\} 1/);
    const asked = gone.received.length;
    const second = await refundOfNewPayment();
    await deliveryOf('refund.succeeded', second);
    expect(gone.received.length).toBe(asked);

    gone.answer({ status: 200 });
    expect((await h.http.post('/v1/webhook-endpoints/ledger/enable').set(h.auth)).status).toBe(202);
    const delivered = await waitFor(
      async () => {
        const bodies = gone.received
          .filter((r) => r.status === 200)
          .map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id);
        return bodies.includes(first) && bodies.includes(second) ? bodies : undefined;
      },
      20_000,
      'the held deliveries after enabling',
    );
    expect(delivered).toEqual(expect.arrayContaining([first, second]));
  });

  it("an endpoint's state written by another process holds here: disabled, nothing is sent; enabled, it goes", async () => {
    // As a process that met a 410 would leave it.
    await h.db.dataSource.query(
      `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'answered 410 Gone' WHERE id = 'ledger'`,
    );
    const asked = gone.received.length;
    const refundId = await refundOfNewPayment();
    const [delivery] = await waitFor(async () => {
      const rows: { id: string }[] = await h.db.dataSource.query(
        `SELECT d.id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
         WHERE e.resource_id = $1 AND d.endpoint_id = 'ledger'`,
        [refundId],
      );
      return rows.length ? rows : undefined;
    });
    // Its first attempt's job ran and sent nothing.
    const queue = h.app.get(WebhookQueue).queue;
    await waitFor(async () =>
      (await (await queue.getJob(`${delivery.id}.0`))?.getState()) === 'completed'
        ? true
        : undefined,
    );
    expect(gone.received.length).toBe(asked);

    // As an operator's enable served by another process would leave it.
    await h.db.dataSource.query(
      `UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL WHERE id = 'ledger'`,
    );
    await waitFor(
      async () =>
        gone.received.some(
          (r) =>
            r.status === 200 &&
            (JSON.parse(r.body) as { data: { id: string } }).data.id === refundId,
        )
          ? true
          : undefined,
      20_000,
      'the held delivery after the enable',
    );
  });

  it('redeliver sends an event again, the same bytes, to the endpoint named', async () => {
    const paid = await paidPayment(h);
    const original = await deliveryOf('payment.paid', paid.id);
    const res = await h.http
      .post(`/v1/events/${original.id}/redeliver`)
      .set(h.auth)
      .send({ endpointId: 'orders' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ eventId: original.id, endpointIds: ['orders'] });
    const again = await waitFor(async () => {
      const copies = receiver.received.filter((r) => r.id === original.id);
      return copies.length >= 2 ? copies[1] : undefined;
    });
    expect(again.body).toBe(original.body);
    expect(
      (
        await h.http
          .post(`/v1/events/${original.id}/redeliver`)
          .set(h.auth)
          .send({ endpointId: 'nope' })
      ).status,
    ).toBe(404);
  });
});
