import { randomBytes } from 'node:crypto';
import type { WebhookReceiver } from '../../test/support/webhook-receiver';
import { mapLimit } from '../lib/loop';
import { api, paidPayment } from '../lib/payments';
import type { ScenarioRow } from '../lib/report';
import type { ServiceProcess } from '../lib/service-process';
import type { SimulatorProcess } from '../lib/simulator-process';
import { Latencies } from '../lib/stats';

export interface WebhooksOptions {
  service: ServiceProcess;
  simulator: SimulatorProcess;
  /** The endpoint the service was started with (WEBHOOK_ENDPOINTS), and its id. */
  receiver: WebhookReceiver;
  endpointId: string;
  payments: number;
  backlog: number;
  log: (line: string) => void;
}

const LATENCY_TARGET_MS = 500;
const DRAIN_TARGET = 500;
/**
 * Payments paid side by side in (a). Paying (create, DOKU's notification, a status check) takes
 * the 2-core machine's whole CPU at any width; 4 keeps its queues short, so that the latency is
 * the pipeline's rather than a saturated machine's.
 */
const PAYING = 4;

interface Delivered {
  id: string;
  at: number;
  committedAt: number;
  reference: string;
}

/**
 * The first 2xx delivery of each payment.paid event whose order starts with `prefix`, read from
 * the receiver as it goes (each request parsed once: re-reading them all while waiting would take
 * the CPU the service is measured on).
 */
function paidDeliveries(receiver: WebhookReceiver, prefix: string): () => Map<string, Delivered> {
  const first = new Map<string, Delivered>();
  let read = 0;
  return () => {
    for (; read < receiver.received.length; read++) {
      const r = receiver.received[read];
      if (r.status < 200 || r.status >= 300 || first.has(r.id)) continue;
      const event = JSON.parse(r.body) as {
        type: string;
        timestamp: string;
        data: { partnerReferenceNo?: string };
      };
      const reference = event.data.partnerReferenceNo ?? '';
      if (event.type !== 'payment.paid' || !reference.startsWith(prefix)) continue;
      first.set(r.id, { id: r.id, at: r.at, committedAt: Date.parse(event.timestamp), reference });
    }
    return first;
  };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Scenario 7: events pushed to one endpoint answering in about 1 ms. (a) `payments` payments
 * paid: deliveries per second, and commit-to-delivered latency per event (the event's timestamp,
 * its transaction's time, to the receiver holding its body). (b) A backlog of `backlog` events
 * held while the endpoint was disabled (it answered 410), drained once an operator enables it.
 */
export async function webhooksScenario(o: WebhooksOptions): Promise<{ rows: ScenarioRow[] }> {
  const { service, simulator, receiver, log } = o;
  const run = randomBytes(3).toString('hex');
  receiver.answer({ status: 204, delayMs: 1 });

  const live = `WHBENCH-${run}-`;
  log(`  ${o.payments} payments paid, each payment.paid pushed ...`);
  const started = Date.now();
  await mapLimit(
    Array.from({ length: o.payments }, (_, i) => `${live}${i}`),
    PAYING,
    (ref) => paidPayment(service, simulator, ref, '5000.00'),
  );
  const paidSeconds = (Date.now() - started) / 1000;
  const liveDeliveries = paidDeliveries(receiver, live);
  await until(() => liveDeliveries().size >= o.payments, 120_000, `${o.payments} deliveries`);
  const delivered = [...liveDeliveries().values()];
  const latency = new Latencies();
  for (const d of delivered) latency.add(d.at - d.committedAt);
  const firstCommit = Math.min(...delivered.map((d) => d.committedAt));
  const lastDelivered = Math.max(...delivered.map((d) => d.at));
  const liveRate = (delivered.length * 1000) / (lastDelivered - firstCommit);
  const l = latency.summary();
  // Where the time goes: event to its delivery row (the relay), row to delivered (queue and worker).
  const [split] = await service.db.query<{
    relay_p50: number;
    relay_p99: number;
    deliver_p50: number;
    deliver_p99: number;
  }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r) AS relay_p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY r) AS relay_p99,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY w) AS deliver_p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY w) AS deliver_p99
     FROM (SELECT extract(epoch FROM d.created_at - e.created_at) * 1000 AS r,
             extract(epoch FROM d.delivered_at - d.created_at) * 1000 AS w
           FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
           WHERE d.id = ANY($1::uuid[]) OR e.id = ANY($2::text[])) x`,
    [[], delivered.map((d) => d.id)],
  );
  log(
    `    relay p50 ${Number(split.relay_p50).toFixed(1)} ms p99 ${Number(split.relay_p99).toFixed(1)} ms; queue and worker p50 ${Number(split.deliver_p50).toFixed(1)} ms p99 ${Number(split.deliver_p99).toFixed(1)} ms`,
  );
  log(
    `    ${liveRate.toFixed(0)} deliveries/s (paid at ${(o.payments / paidSeconds).toFixed(0)}/s); commit to delivered p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`,
  );

  log(`  backlog: the endpoint answers 410 (disabled), ${o.backlog} payments paid meanwhile ...`);
  receiver.answer({ status: 410 });
  const held = `WHBACKLOG-${run}-`;
  await paidPayment(service, simulator, `${held}first`, '5000.00');
  await until(() => receiver.received.some((r) => r.status === 410), 30_000, 'a 410');
  await mapLimit(
    Array.from({ length: o.backlog }, (_, i) => `${held}${i}`),
    32,
    (ref) => paidPayment(service, simulator, ref, '5000.00'),
  );
  // Every backlog event has its (held) delivery before the endpoint comes back.
  const pending = async () => {
    const [row] = await service.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending' AND endpoint_id = $1`,
      [o.endpointId],
    );
    return row.n;
  };
  const deadline = Date.now() + 60_000;
  while ((await pending()) < o.backlog + 1 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const backlog = await pending();
  receiver.answer({ status: 204, delayMs: 1 });
  const enabledAt = Date.now();
  const enabled = await api(service, 'POST', `/v1/webhook-endpoints/${o.endpointId}/enable`);
  if (enabled.status !== 202) throw new Error(`enable: HTTP ${enabled.status}`);
  const heldDeliveries = paidDeliveries(receiver, held);
  await until(() => heldDeliveries().size >= o.backlog + 1, 300_000, 'the backlog drained');
  const drained = [...heldDeliveries().values()];
  const drainSeconds = (Math.max(...drained.map((d) => d.at)) - enabledAt) / 1000;
  const drainRate = drained.length / drainSeconds;
  log(
    `    ${backlog} held deliveries drained in ${drainSeconds.toFixed(1)} s: ${drainRate.toFixed(0)}/s`,
  );

  return {
    rows: [
      {
        name: `7a webhooks: ${o.payments} payments paid, endpoint ~1 ms`,
        unit: 'deliveries/s',
        throughput: liveRate,
        p50: l.p50,
        p95: l.p95,
        p99: l.p99,
        errors: 0,
        reference: null,
        ratio: null,
        target: `p99 commit to delivered < ${LATENCY_TARGET_MS} ms`,
        met: l.p99 < LATENCY_TARGET_MS,
        details: {
          latencyIs: "event timestamp (its transaction's time) to the receiver holding the body",
          paidPerSecond: o.payments / paidSeconds,
          payingSideBySide: PAYING,
          deliveries: delivered.length,
          relayMs: { p50: Number(split.relay_p50), p99: Number(split.relay_p99) },
          queueAndWorkerMs: { p50: Number(split.deliver_p50), p99: Number(split.deliver_p99) },
        },
      },
      {
        name: `7b webhooks: ${backlog} held deliveries drained`,
        unit: 'deliveries/s',
        throughput: drainRate,
        p50: null,
        p95: null,
        p99: null,
        errors: 0,
        reference: null,
        ratio: null,
        target: `>= ${DRAIN_TARGET}/s`,
        met: drainRate >= DRAIN_TARGET,
        details: {
          drainIs: 'the enable request to the last first delivery',
          seconds: drainSeconds,
        },
      },
    ],
  };
}
