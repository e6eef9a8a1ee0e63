import { randomBytes } from 'node:crypto';
import { defaultChannelRegistry } from '@app/doku-snap';
import { describeServiceCpu, serviceCpuMeter } from '../lib/cpu';
import { cannon } from '../lib/cannon';
import { perOperation, roundTripMeter } from '../lib/round-trips';
import type { LoopResult } from '../lib/loop';
import type { ProfileWindow } from '../lib/profiler';
import type { ScenarioRow } from '../lib/report';
import type { ServiceProcess } from '../lib/service-process';
import { sampleRss } from '../lib/service-process';
import { eventLoopDelay, histogramWindow, Scrape, scrapeMetrics } from '../lib/service-metrics';
import type { SimulatorProcess } from '../lib/simulator-process';

export interface CreatePaymentOptions {
  service: ServiceProcess;
  /**
   * A redirect wallet (DANA, SHOPEEPAY) or a virtual account (VA_BCA): the same load through its
   * own body and DOKU code.
   */
  channel: string;
  simulator: SimulatorProcess;
  sdkAt50: LoopResult | undefined;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Set: the service is CPU-profiled during the measured window. */
  profile?: ProfileWindow;
  log: (line: string) => void;
}

export interface CreatePaymentResult {
  row: ScenarioRow;
  memory: ScenarioRow;
  profileFile?: string;
}

const TARGET_RATIO = 1.5;
const TARGET_P99_MS = 50;
const TARGET_RSS_MB = 200;

/**
 * Scenario 2: POST /v1/payments end to end (API key, validation, PostgreSQL, X-EXTERNAL-ID
 * reservation, signed DOKU call) under autocannon, every request with its own partnerReferenceNo.
 * Scenario 5 rides along: the service's RSS is sampled throughout.
 */
export async function createPaymentScenario(
  options: CreatePaymentOptions,
): Promise<CreatePaymentResult> {
  const { service, log } = options;
  const runId = randomBytes(3).toString('hex');
  let seq = 0;
  const { channel } = options;
  // DANA's order title is DANA's own: the other wallets take the rest of the same body; a
  // virtual account takes the customer's name instead of a device.
  const fields = channel.startsWith('VA_')
    ? { customerName: 'Budi Santoso' }
    : {
        returnUrl: 'https://shop.example/orders/return?x=1',
        deviceId: 'device12345',
        ipAddress: '203.0.113.7',
        ...(channel === 'DANA' ? { orderTitle: 'Kopi susu x2' } : {}),
      };
  const body = () =>
    JSON.stringify({
      partnerReferenceNo: `BENCH-${runId}-${seq++}`,
      amount: { value: '15000.00', currency: 'IDR' },
      ...fields,
      channel,
    });

  const stopRss = sampleRss(service.pid, 50);
  const simBefore = await options.simulator.counters();
  const [{ n: dbBefore }] = await service.db.query<{ n: string }>(
    'SELECT count(*) AS n FROM payments',
  );
  // Read before the load (the meter waits for PostgreSQL's counts to settle); warm-up and window
  // do the same work per payment, and both fall between its two readings.
  const stopRoundTrips = await roundTripMeter(service.db, service.redisUrl);
  log(`  warm-up ${options.warmupSeconds} s, then ${options.durationSeconds} s counted ...`);
  let window: Promise<WindowMeters> | undefined;
  const measured = await cannon({
    url: service.url,
    connections: options.connections,
    warmupSeconds: options.warmupSeconds,
    durationSeconds: options.durationSeconds,
    onWindow: () => {
      window = openWindow(service, options.profile);
    },
    headers: service.auth,
    next: () => ({ path: '/v1/payments', body: body() }),
    okStatus: 201,
  });
  const { stopCpu, metricsBefore, stopProfile } = await window!;
  const cpu = stopCpu();
  const paymentOperation = defaultChannelRegistry().get(channel).payment.name;
  const inService = serviceView(metricsBefore, await scrapeMetrics(service.url), paymentOperation);
  const profileFile = await stopProfile?.();
  const rss = stopRss();
  const roundTrips = perOperation(await stopRoundTrips(), measured.warmupOk + measured.ok);
  const simAfter = await options.simulator.counters();
  const [{ n: dbAfter }] = await service.db.query<{ n: string }>(
    'SELECT count(*) AS n FROM payments',
  );

  const throughput = (measured.ok * 1000) / measured.elapsedMs;
  const l = measured.latencies.summary();
  const errors = measured.failures.total + measured.result.errors + measured.result.timeouts;
  const reference = options.sdkAt50?.throughput ?? null;
  const ratio = reference ? throughput / reference : null;
  log(
    `  ${throughput.toFixed(0)} payments/s, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, ` +
      `${errors} errors; service CPU ${(cpu.serviceCpuMs / Math.max(1, measured.ok)).toFixed(2)} ms per ` +
      `payment (${cpu.serviceCoresUsed} cores), ${roundTrips.databaseTransactions} ` +
      `PostgreSQL transactions and ${roundTrips.redisScripts} Redis script calls per payment; peak RSS ${rss.peakRssMb.toFixed(0)} MiB (VmHWM ${rss.hwmMb.toFixed(0)} MiB); ${describeServiceCpu(cpu)}`,
  );
  log(
    `  as the service timed them: ${inService.createMeanMs.toFixed(1)} ms mean, ` +
      `${(inService.createWithin50Ms * 100).toFixed(1)}% within 50 ms; DOKU's payment call ` +
      `${inService.dokuPaymentMeanMs.toFixed(1)} ms mean; event loop delay p50 ` +
      `${inService.eventLoopDelayMs.p50.toFixed(1)} ms, p99 ${inService.eventLoopDelayMs.p99.toFixed(1)} ms, ` +
      `max ${inService.eventLoopDelayMs.max.toFixed(1)} ms`,
  );
  return {
    profileFile,
    row: {
      name: `2 service POST /v1/payments ${channel}, c=${options.connections}`,
      unit: 'payments/s',
      throughput,
      ...l,
      errors,
      reference,
      ratio,
      target: `>= ${TARGET_RATIO}x SDK loop c=50, p99 < ${TARGET_P99_MS} ms`,
      met: ratio !== null && ratio >= TARGET_RATIO && l.p99 < TARGET_P99_MS && errors === 0,
      details: {
        created: measured.ok,
        seconds: measured.elapsedMs / 1000,
        createdIncludingWarmup: measured.warmupOk + measured.ok,
        serviceCpuMsPerPayment: cpu.serviceCpuMs / Math.max(1, measured.ok),
        inService,
        roundTripsPerPayment: roundTrips,
        serviceCoresUsed: cpu.serviceCoresUsed,
        ...cpu.threads,
        machine: cpu.machine,
        failures: measured.failures.toJSON(),
        connectionErrors: measured.result.errors,
        timeouts: measured.result.timeouts,
        // Warm-up included; requests still in flight when autocannon stops may add a few.
        paymentsAtDokuIncludingWarmup: simAfter.paymentsCreated - simBefore.paymentsCreated,
        paymentsInDatabaseIncludingWarmup: Number(dbAfter) - Number(dbBefore),
        referenceIs: 'scenario 1: DOKU SDK loop, c=50, successful calls/s',
      },
    },
    memory: {
      name: '5 service peak RSS during scenario 2',
      unit: 'MiB',
      throughput: Math.max(rss.peakRssMb, rss.hwmMb),
      p50: null,
      p95: null,
      p99: null,
      errors: 0,
      reference: TARGET_RSS_MB,
      ratio: Math.max(rss.peakRssMb, rss.hwmMb) / TARGET_RSS_MB,
      target: `<= ${TARGET_RSS_MB} MB`,
      met: Math.max(rss.peakRssMb, rss.hwmMb) <= TARGET_RSS_MB,
      details: {
        sampledPeakRssMb: rss.peakRssMb,
        vmHwmMb: rss.hwmMb,
        note: 'VmHWM is the peak since the process started (start-up included); the larger figure is reported',
      },
    },
  };
}

interface WindowMeters {
  stopCpu: ReturnType<typeof serviceCpuMeter>;
  metricsBefore: Scrape;
  stopProfile?: () => Promise<string>;
}

/** Starts what measures the window, while the load runs on. */
async function openWindow(service: ServiceProcess, profile?: ProfileWindow): Promise<WindowMeters> {
  const stopCpu = serviceCpuMeter(service.pid);
  const [metricsBefore, stopProfile] = await Promise.all([
    scrapeMetrics(service.url),
    profile?.('create-payment'),
  ]);
  return { stopCpu, metricsBefore, stopProfile };
}

/**
 * The window as the service saw it (its /metrics): a create's time from Fastify's first hook to
 * its last byte, DOKU's share of it, and how long callbacks waited for the event loop. Time a
 * request spends before the service reads it (kernel queues, a busy loop) is in neither.
 */
function serviceView(before: Scrape, after: Scrape, paymentOperation: string) {
  const creates = histogramWindow(before, after, 'http_request_duration_seconds', {
    method: 'POST',
    route: '/v1/payments',
    status: '201',
  });
  return {
    createMeanMs: creates.meanMs,
    createWithin50Ms: creates.within.get(0.05) ?? Number.NaN,
    dokuPaymentMeanMs: histogramWindow(before, after, 'doku_call_duration_seconds', {
      operation: paymentOperation,
    }).meanMs,
    eventLoopDelayMs: eventLoopDelay(after),
  };
}
