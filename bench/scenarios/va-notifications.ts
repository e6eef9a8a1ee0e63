import { randomBytes } from 'node:crypto';
import { describeServiceCpu, serviceCpuMeter } from '../lib/cpu';
import { mapLimit } from '../lib/loop';
import { api } from '../lib/payments';
import type { ScenarioRow } from '../lib/report';
import type { ServiceProcess } from '../lib/service-process';
import type { SimulatorProcess } from '../lib/simulator-process';
import { Latencies } from '../lib/stats';

export interface VaNotificationsOptions {
  service: ServiceProcess;
  simulator: SimulatorProcess;
  /** A virtual-account channel the service offers (VA_BCA). */
  channel: string;
  payments: number;
  /** Transfers made side by side at the simulator. */
  concurrency: number;
  log: (line: string) => void;
}

/**
 * Virtual accounts paid: `payments` VAs created through the API, then each transferred into at
 * the simulator, which notifies the service as DOKU does (its token, then the signed VA
 * notification). Latency is from the moment the transfer is asked of the simulator to the
 * payment's PAID as the database stamped it (one machine, one clock); throughput is notifications
 * applied per second over the whole run of transfers.
 */
export async function vaNotificationsScenario(
  options: VaNotificationsOptions,
): Promise<ScenarioRow> {
  const { service, simulator, log } = options;
  const runId = randomBytes(3).toString('hex');
  log(`  creating ${options.payments} ${options.channel} virtual accounts ...`);
  const created = await mapLimit(
    Array.from({ length: options.payments }, (_, i) => i),
    50,
    async (i) => {
      const res = await api(service, 'POST', '/v1/payments', {
        partnerReferenceNo: `BENCH-VA-${runId}-${i}`,
        amount: { value: '15000.00', currency: 'IDR' },
        channel: options.channel,
        customerName: 'Budi Santoso',
      });
      if (res.status !== 201)
        throw new Error(`create VA: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      const va = res.body.virtualAccount as { number: string };
      return { id: String(res.body.id), number: va.number };
    },
  );
  log(`  transferring into each, ${options.concurrency} at a time ...`);
  const askedAt = new Map<string, number>();
  const stopCpu = serviceCpuMeter(service.pid);
  const started = Date.now();
  let failed = 0;
  await mapLimit(created, options.concurrency, async (p) => {
    askedAt.set(p.id, Date.now());
    // Resolves once the first delivery of the notification is answered.
    const delivery = await simulator.payVirtualAccount(p.number);
    if (!delivery.ok) failed++;
  });
  const cpu = stopCpu();
  const ids = created.map((p) => p.id);
  const deadline = Date.now() + 60_000;
  const paidTimes = () =>
    service.db.query<{ id: string; paid_ms: string | null }>(
      `SELECT id, (extract(epoch FROM paid_at) * 1000)::text AS paid_ms
         FROM payments WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  let rows = await paidTimes();
  while (rows.some((r) => r.paid_ms === null) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    rows = await paidTimes();
  }
  const latencies = new Latencies();
  let lastPaid = started;
  for (const r of rows) {
    if (r.paid_ms === null) continue;
    const paidMs = Number(r.paid_ms);
    latencies.add(Math.max(0, paidMs - askedAt.get(r.id)!));
    lastPaid = Math.max(lastPaid, paidMs);
  }
  const paid = latencies.count;
  const throughput = (paid * 1000) / Math.max(1, lastPaid - started);
  const l = latencies.summary();
  const errors = options.payments - paid + failed;
  log(
    `  ${paid}/${options.payments} PAID, ${throughput.toFixed(0)} notifications/s, ` +
      `transfer to PAID p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, ${failed} deliveries not 2xx; ` +
      `service CPU ${(cpu.serviceCpuMs / Math.max(1, paid)).toFixed(2)} ms per notification (its token request included); ${describeServiceCpu(cpu)}`,
  );
  return {
    name: `2 VA notifications, ${options.payments} transfers, c=${options.concurrency}`,
    unit: 'notifications/s',
    throughput,
    ...l,
    errors,
    reference: null,
    ratio: null,
    target: 'every one PAID (issue 22 sets no figure)',
    met: errors === 0,
    details: {
      channel: options.channel,
      paid,
      deliveriesNot2xx: failed,
      serviceCpuMsPerNotification: cpu.serviceCpuMs / Math.max(1, paid),
      serviceCoresUsed: cpu.serviceCoresUsed,
      ...cpu.threads,
      machine: cpu.machine,
      latencyIs:
        "from the transfer asked of the simulator to the payment's paid_at (the database's clock)",
      seconds: (lastPaid - started) / 1000,
    },
  };
}
