import { randomBytes } from 'node:crypto';
import { describeServiceCpu, serviceCpuMeter } from '../lib/cpu';
import { mapLimit } from '../lib/loop';
import { api } from '../lib/payments';
import type { ProfileWindow } from '../lib/profiler';
import type { ScenarioRow } from '../lib/report';
import type { ServiceProcess } from '../lib/service-process';
import type { SimulatorProcess } from '../lib/simulator-process';
import { Latencies } from '../lib/stats';

export interface QrisConfirmationsOptions {
  service: ServiceProcess;
  simulator: SimulatorProcess;
  payments: number;
  /** Each QR is paid at a moment drawn uniformly from [0, payWithinMs) after it was answered. */
  payWithinMs: number;
  /** How long DOKU takes to answer each call (the simulator's latency). */
  dokuLatencyMs: number;
  /** The service's cadence, for the report. */
  cadence: string;
  /** Set: the service is CPU-profiled from the first create to the last PAID. */
  profile?: ProfileWindow;
  log: (line: string) => void;
}

/**
 * QRIS paid at random moments, confirmed only by the service's scheduled queries (DOKU sends no
 * notification): `payments` QRs made through the API, each paid at the simulator at a moment drawn
 * at random after it was shown. Latency is from the payment at the simulator (this process's
 * clock, just before asking) to the status change to PAID (the database's clock, one machine);
 * queries are what the simulator counted for each QR until it was PAID and its chain stopped.
 */
export async function qrisConfirmationsScenario(
  o: QrisConfirmationsOptions,
): Promise<{ rows: ScenarioRow[]; profileFile?: string }> {
  const { service, simulator, log } = o;
  const runId = randomBytes(3).toString('hex');
  await simulator.configure({ latencyMs: o.dokuLatencyMs });
  log(
    `  ${o.payments} QRs, each paid within ${o.payWithinMs / 1000} s of its answer, DOKU latency ` +
      `${o.dokuLatencyMs} ms, cadence ${o.cadence} ...`,
  );
  const stopProfile = await o.profile?.('qris-confirmations');
  const stopCpu = serviceCpuMeter(service.pid);
  const started = Date.now();
  const paidAsked = new Map<string, number>();
  const payments: Promise<void>[] = [];
  let payFailures = 0;
  const created = await mapLimit(
    Array.from({ length: o.payments }, (_, i) => i),
    50,
    async (i) => {
      const partnerReferenceNo = `BENCH-QR-${runId}-${i}`;
      const res = await api(service, 'POST', '/v1/payments', {
        partnerReferenceNo,
        amount: { value: '25000.00', currency: 'IDR' },
        channel: 'QRIS',
      });
      if (res.status !== 201)
        throw new Error(`create QR: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      const id = String(res.body.id);
      // The customer scans and pays at a random moment while the QR is shown.
      const payIn = Math.random() * o.payWithinMs;
      payments.push(
        new Promise<void>((resolve) =>
          setTimeout(() => {
            paidAsked.set(id, Date.now());
            simulator.payQr(partnerReferenceNo).then(
              () => resolve(),
              () => {
                payFailures++;
                resolve();
              },
            );
          }, payIn),
        ),
      );
      return { id, partnerReferenceNo };
    },
  );
  await Promise.all(payments);
  const ids = created.map((p) => p.id);
  const paidTimes = () =>
    service.db.query<{ id: string; paid_ms: string }>(
      `SELECT payment_id AS id, (extract(epoch FROM created_at) * 1000)::text AS paid_ms
         FROM payment_status_changes WHERE payment_id = ANY($1::uuid[]) AND to_status = 'PAID'`,
      [ids],
    );
  const deadline = Date.now() + 120_000;
  let rows = await paidTimes();
  while (rows.length < ids.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    rows = await paidTimes();
  }
  const cpu = stopCpu();
  const profileFile = await stopProfile?.();
  // A query already in flight when its QR turned PAID is counted too: let those land.
  await new Promise((r) => setTimeout(r, 2 * o.dokuLatencyMs + 500));
  await simulator.configure({ latencyMs: 0 });

  const latencies = new Latencies();
  for (const r of rows) latencies.add(Math.max(0, Number(r.paid_ms) - paidAsked.get(r.id)!));
  const queries = new Latencies();
  await mapLimit(created, 20, async (p) => {
    const view = await simulator.payment(p.partnerReferenceNo);
    queries.add(view?.qrisQueries ?? 0);
  });
  const confirmed = latencies.count;
  const l = latencies.summary();
  const q = queries.summary();
  const meanQueries = queries.mean();
  const maxQueries = queries.percentile(100);
  const errors = o.payments - confirmed + payFailures;
  log(
    `  ${confirmed}/${o.payments} PAID without a notification; paid to PAID p50 ${l.p50.toFixed(0)} ms, ` +
      `p99 ${l.p99.toFixed(0)} ms; DOKU queries per payment mean ${meanQueries.toFixed(1)}, ` +
      `p99 ${q.p99}, max ${maxQueries}; service CPU ` +
      `${(cpu.serviceCpuMs / Math.max(1, confirmed)).toFixed(1)} ms per QR (create and queries); ` +
      describeServiceCpu(cpu),
  );
  const shared = {
    payWithinSeconds: o.payWithinMs / 1000,
    dokuLatencyMs: o.dokuLatencyMs,
    cadence: o.cadence,
    seconds: (Date.now() - started) / 1000,
  };
  const scenarioRows: ScenarioRow[] = [
    {
      name: `8 QRIS paid to PAID by query, ${o.payments} QRs paid at random`,
      unit: 'PAID',
      throughput: confirmed,
      ...l,
      errors,
      reference: null,
      ratio: null,
      target: 'p99 < 5000 ms, no notification',
      met: errors === 0 && l.p99 < 5_000,
      details: {
        ...shared,
        latencyIs:
          'from the payment at the simulator (bench clock) to the status change to PAID (database clock)',
        serviceCpuMsPerQr: cpu.serviceCpuMs / Math.max(1, confirmed),
        serviceCoresUsed: cpu.serviceCoresUsed,
        machine: cpu.machine,
      },
    },
    {
      name: '8 QRIS DOKU queries per confirmed payment',
      unit: 'queries (mean; p50-p99 are counts)',
      throughput: meanQueries,
      // Counts, not milliseconds: the percentiles of queries per payment.
      p50: q.p50,
      p95: q.p95,
      p99: q.p99,
      errors,
      reference: 30,
      ratio: maxQueries / 30,
      target: 'at most 30 per payment (max)',
      met: errors === 0 && maxQueries <= 30,
      details: { ...shared, max: maxQueries, total: meanQueries * queries.count },
    },
  ];
  return { rows: scenarioRows, profileFile };
}
