import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { describeServiceCpu, serviceCpuMeter } from '../lib/cpu';
import { cannon } from '../lib/cannon';
import { perOperation, roundTripMeter } from '../lib/round-trips';
import { mapLimit } from '../lib/loop';
import { paidPayment } from '../lib/payments';
import type { ProfileWindow } from '../lib/profiler';
import type { ScenarioRow } from '../lib/report';
import type { ServiceProcess } from '../lib/service-process';
import type { SimulatorProcess } from '../lib/simulator-process';
import { histogramWindow, scrapeMetrics } from '../lib/service-metrics';
import { Latencies, Tally } from '../lib/stats';

export interface RefundPipelineOptions {
  service: ServiceProcess;
  simulator: SimulatorProcess;
  refunds: number;
  refundsPerPayment: number;
  /** REFUND_CONCURRENCY the service was started with. */
  workerConcurrency: number;
  dokuLatencyMs: number;
  /** How many refund requests the benchmark keeps in flight against the API. */
  clientConcurrency: number;
  /** Set: the service is CPU-profiled from the first refund request to the last settlement. */
  profile?: ProfileWindow;
  log: (line: string) => void;
}

const TARGET_SHARE = 0.9;
const REFUND_VALUE = '1000.00';

/** BullMQ's timestamps of each refund's job: added, moved to active (last attempt), finished. */
async function jobTimes(
  service: ServiceProcess,
  refundIds: string[],
): Promise<Map<string, { added: number; processed: number; finished: number }>> {
  const redis = new Redis(service.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const pipeline = redis.pipeline();
    for (const id of refundIds)
      pipeline.hmget(
        `${service.bullmqPrefix}:refunds:refund-${id}`,
        'timestamp',
        'processedOn',
        'finishedOn',
      );
    const answers = (await pipeline.exec()) ?? [];
    const times = new Map<string, { added: number; processed: number; finished: number }>();
    answers.forEach(([err, values], i) => {
      const [added, processed, finished] = (values as (string | null)[]).map(Number);
      if (!err && added && processed && finished)
        times.set(refundIds[i], { added, processed, finished });
    });
    return times;
  } finally {
    redis.disconnect();
  }
}

/**
 * Scenario 3: N refunds accepted by the API and settled by the BullMQ workers, DOKU answering each
 * call after `dokuLatencyMs`. Settled refunds per second from the first accept to the last
 * SUCCEEDED, against concurrency / latency; then every refund is checked against the simulator:
 * executed exactly once, and refunded totals equal on both sides.
 */
export async function refundPipeline(
  o: RefundPipelineOptions,
): Promise<{ row: ScenarioRow; profileFile?: string }> {
  const { service, simulator, log } = o;
  const runId = randomBytes(3).toString('hex');
  const paymentsNeeded = Math.ceil(o.refunds / o.refundsPerPayment);
  const paymentValue = `${o.refundsPerPayment * 1000}.00`;

  log(`  preparing ${paymentsNeeded} PAID payments of ${paymentValue} ...`);
  const prepStarted = Date.now();
  const payments = await mapLimit(
    Array.from({ length: paymentsNeeded }, (_, i) => `RFBENCH-${runId}-${i}`),
    16,
    (ref) => paidPayment(o.service, o.simulator, ref, paymentValue),
  );
  log(`    done in ${((Date.now() - prepStarted) / 1000).toFixed(1)} s`);

  await simulator.configure({ latencyMs: o.dokuLatencyMs });
  const ideal = (o.workerConcurrency * 1000) / o.dokuLatencyMs;
  log(
    `  ${o.refunds} refunds, DOKU latency ${o.dokuLatencyMs} ms, worker concurrency ` +
      `${o.workerConcurrency} (ideal ${ideal.toFixed(0)}/s) ...`,
  );

  // Refund i goes to payment i mod P: neighbours in time hit different payment rows.
  const requests = Array.from({ length: o.refunds }, (_, i) => ({
    payment: payments[i % payments.length],
    partnerRefundNo: `RF-${runId}-${i}`,
  }));
  const stopRoundTrips = await roundTripMeter(service.db, service.redisUrl);
  const stopProfile = await o.profile?.('refund-pipeline');
  const stopCpu = serviceCpuMeter(service.pid);
  let accepted = 0;
  let lastAcceptAt = 0;
  const started = Date.now();
  let settledAt = 0;
  let watching = true;
  const refundNos = requests.map((r) => r.partnerRefundNo);
  // Watch the database for the last settlement while the requests go in. Cheaply: the watcher
  // shares the machine with what it measures (the fresh database holds this scenario's refunds
  // only), and the figures come from the rows' own timestamps, not from when it notices.
  const watcher = (async () => {
    while (watching) {
      const [{ open, total }] = await service.db.query<{ open: string; total: string }>(
        `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'PROCESSING')) AS open, count(*) AS total
           FROM refunds`,
      );
      if (lastAcceptAt > 0 && Number(total) === accepted && Number(open) === 0) {
        settledAt = Date.now();
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  let nextRequest = 0;
  const accepts = await cannon({
    url: service.url,
    connections: o.clientConcurrency,
    amount: requests.length,
    headers: service.auth,
    next: () => {
      // autocannon may draw one request per connection more than it sends.
      const r = requests[Math.min(nextRequest++, requests.length - 1)];
      return {
        path: `/v1/payments/${r.payment.id}/refunds`,
        body: JSON.stringify({
          amount: { value: REFUND_VALUE, currency: 'IDR' },
          partnerRefundNo: r.partnerRefundNo,
          reason: 'bench',
        }),
      };
    },
    okStatus: 202,
  });
  accepted = accepts.ok;
  lastAcceptAt = Date.now();

  const timeoutMs = Math.max(120_000, (o.refunds / ideal) * 20_000);
  const timedOut = await Promise.race([
    watcher.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref()),
  ]);
  watching = false;
  await watcher.catch(() => undefined);
  const cpu = stopCpu();
  const profileFile = await stopProfile?.();
  await simulator.configure({ latencyMs: 0 });
  const roundTrips = perOperation(await stopRoundTrips(), accepted);

  // The database's own timestamps: created_at when the accept committed, processing_started_at
  // when a worker last claimed it, completed_at when the worker recorded SUCCEEDED.
  const rows = await service.db.query<{
    id: string;
    partner_refund_no: string;
    status: string;
    attempts: number;
    created_ms: string;
    claimed_ms: string | null;
    completed_ms: string | null;
  }>(
    `SELECT id, partner_refund_no, status, attempts,
            (extract(epoch FROM created_at) * 1000)::float8 AS created_ms,
            (extract(epoch FROM processing_started_at) * 1000)::float8 AS claimed_ms,
            (extract(epoch FROM completed_at) * 1000)::float8 AS completed_ms
       FROM refunds WHERE partner_refund_no = ANY($1)`,
    [refundNos],
  );
  const counters = await simulator.counters();
  // Since the service started: scenario 2 and the payments prepared here make no refund call.
  const refundCallMs = histogramWindow(
    new Map(),
    await scrapeMetrics(service.url),
    'doku_call_duration_seconds',
    { operation: 'refund' },
  ).meanMs;
  const jobs = await jobTimes(
    service,
    rows.map((r) => r.id),
  );
  const byStatus = new Tally();
  const perRefund = new Latencies();
  // Where the time goes: waiting for a worker, then the worker's claim, DOKU call and settlement.
  const queued = new Latencies();
  const executing = new Latencies();
  // The worker slot's own timeline, from BullMQ's job hash (the service's clock, like now()).
  const enqueueDelay = new Latencies();
  const inQueue = new Latencies();
  const activeToClaim = new Latencies();
  const settledToFinished = new Latencies();
  // A slot's time per job (active to finished), by when the job started: the API's accepts share
  // the event loop, so each step of a job started while they arrive waits longer for its turn.
  const slotJobs: { processed: number; held: number }[] = [];
  let slotMs = 0;
  let firstCreated = Number.POSITIVE_INFINITY;
  let lastCompleted = 0;
  let lastCreated = 0;
  let firstClaimed = Number.POSITIVE_INFINITY;
  let firstAdded = Number.POSITIVE_INFINITY;
  let firstProcessed = Number.POSITIVE_INFINITY;
  let attemptsAboveOne = 0;
  let succeeded = 0;
  let doubled = 0;
  let missingAtDoku = 0;
  for (const row of rows) {
    byStatus.add(row.status);
    const created = Number(row.created_ms);
    firstCreated = Math.min(firstCreated, created);
    lastCreated = Math.max(lastCreated, created);
    if (row.attempts > 1) attemptsAboveOne++;
    const executed = counters.refundsExecuted[row.partner_refund_no] ?? 0;
    if (executed > 1) doubled++;
    if (row.status === 'SUCCEEDED') {
      succeeded++;
      if (executed === 0) missingAtDoku++;
      const completed = Number(row.completed_ms);
      lastCompleted = Math.max(lastCompleted, completed);
      perRefund.add(completed - created);
      if (row.claimed_ms !== null) {
        queued.add(Number(row.claimed_ms) - created);
        firstClaimed = Math.min(firstClaimed, Number(row.claimed_ms));
        executing.add(completed - Number(row.claimed_ms));
        const job = jobs.get(row.id);
        if (job) {
          enqueueDelay.add(job.added - created);
          firstAdded = Math.min(firstAdded, job.added);
          firstProcessed = Math.min(firstProcessed, job.processed);
          inQueue.add(job.processed - job.added);
          activeToClaim.add(Number(row.claimed_ms) - job.processed);
          settledToFinished.add(job.finished - completed);
          slotMs += job.finished - job.processed;
          slotJobs.push({ processed: job.processed, held: job.finished - job.processed });
        }
      }
    }
  }
  const lost = accepted - succeeded;

  // Refunded totals: DOKU's per payment against the service's refunded_amount.
  const totals = await service.db.query<{ partner_reference_no: string; refunded: string }>(
    `SELECT partner_reference_no, refunded_amount::text AS refunded FROM payments WHERE id = ANY($1)`,
    [payments.map((p) => p.id)],
  );
  let totalsMismatched = 0;
  for (const t of totals) {
    const doku = counters.refundedTotals[t.partner_reference_no] ?? '0.00';
    if (Number(doku) !== Number(t.refunded)) totalsMismatched++;
  }

  const windowMs = lastCompleted - firstCreated;
  // The two phases of the run: while refunds were still being accepted (the API and the workers
  // share the event loop and the machine), and after the last accept (the workers alone).
  const completedAt = rows
    .filter((r) => r.completed_ms !== null)
    .map((r) => Number(r.completed_ms));
  const settledWhileAccepting = completedAt.filter((t) => t <= lastCreated).length;
  const acceptWindowMs = Math.max(1, lastCreated - firstCreated);
  const phases = {
    whileAcceptingPerSecond: (settledWhileAccepting * 1000) / acceptWindowMs,
    afterAcceptsPerSecond:
      ((completedAt.length - settledWhileAccepting) * 1000) /
      Math.max(1, lastCompleted - lastCreated),
  };
  const slotWhileAccepting = new Latencies();
  const slotAfterAccepts = new Latencies();
  for (const j of slotJobs)
    (j.processed <= lastCreated ? slotWhileAccepting : slotAfterAccepts).add(j.held);
  const throughput = succeeded > 0 ? (succeeded * 1000) / windowMs : 0;
  const polledMs = settledAt > 0 ? settledAt - started : Number.NaN;
  const errors =
    accepts.failures.total +
    accepts.result.errors +
    accepts.result.timeouts +
    lost +
    doubled +
    missingAtDoku +
    totalsMismatched;
  const ratio = throughput / ideal;
  const l = perRefund.summary();
  log(
    `  ${succeeded}/${o.refunds} SUCCEEDED in ${(windowMs / 1000).toFixed(2)} s: ` +
      `${throughput.toFixed(0)}/s = ${(ratio * 100).toFixed(0)}% of ideal; accepts took ` +
      `${(acceptWindowMs / 1000).toFixed(2)} s (p50 ${accepts.latencies.summary().p50.toFixed(0)} ms), ` +
      `settled ${phases.whileAcceptingPerSecond.toFixed(0)}/s meanwhile and ` +
      `${phases.afterAcceptsPerSecond.toFixed(0)}/s after; per refund p50 ` +
      `${queued.summary().p50.toFixed(0)} ms waiting for a worker, ${executing.summary().p50.toFixed(0)} ms claim to SUCCEEDED; lost ${lost}, doubled ${doubled}, totals mismatched ${totalsMismatched}` +
      (timedOut ? ' (TIMED OUT waiting for settlement)' : '') +
      `; worker slot: in queue p50 ${inQueue.summary().p50.toFixed(0)} ms, active to claim p50 ` +
      `${activeToClaim.summary().p50.toFixed(0)} ms, settled to finished p50 ` +
      `${settledToFinished.summary().p50.toFixed(0)} ms, a job held its slot p50 ` +
      `${slotWhileAccepting.summary().p50.toFixed(0)} ms while accepting and ` +
      `${slotAfterAccepts.summary().p50.toFixed(0)} ms after, slots busy ` +
      `${((slotMs / (o.workerConcurrency * windowMs)) * 100).toFixed(0)}%, DOKU's refund call ` +
      `${refundCallMs.toFixed(1)} ms on average as the worker timed it` +
      `; ${roundTrips.databaseTransactions} PostgreSQL transactions and ${roundTrips.redisScripts} ` +
      `Redis script calls per refund; ${describeServiceCpu(cpu)}`,
  );
  const row: ScenarioRow = {
    name: `3 refund pipeline, ${o.refunds} refunds, DOKU +${o.dokuLatencyMs} ms`,
    unit: 'settled/s',
    throughput,
    ...l,
    errors,
    reference: ideal,
    ratio,
    target: `>= ${TARGET_SHARE * 100}% of ideal, 0 lost, 0 doubled`,
    met: ratio >= TARGET_SHARE && errors === 0 && !timedOut,
    details: {
      latencyIs: 'per refund, accepted (created_at) to SUCCEEDED (completed_at)',
      accepted,
      refused: accepts.failures.toJSON(),
      connectionErrors: accepts.result.errors,
      timeouts: accepts.result.timeouts,
      statuses: byStatus.toJSON(),
      lost,
      doubled,
      succeededButNotExecutedAtDoku: missingAtDoku,
      refundsExecutedAtDoku: counters.refundsExecutedTotal,
      paymentsChecked: totals.length,
      totalsMismatched,
      refundsWithMoreThanOneAttempt: attemptsAboveOne,
      settleWindowSeconds: windowMs / 1000,
      settledPerSecond: phases,
      acceptWindowSeconds: acceptWindowMs / 1000,
      polledWindowSeconds: polledMs / 1000,
      acceptsPerSecond: (accepted * 1000) / acceptWindowMs,
      acceptLatencyMs: accepts.latencies.summary(),
      waitingForWorkerMs: queued.summary(),
      claimToSucceededMs: executing.summary(),
      workerSlot: {
        acceptToEnqueuedMs: enqueueDelay.summary(),
        inQueueMs: inQueue.summary(),
        activeToClaimMs: activeToClaim.summary(),
        settledToFinishedMs: settledToFinished.summary(),
        heldWhileAcceptingMs: slotWhileAccepting.summary(),
        heldAfterAcceptsMs: slotAfterAccepts.summary(),
        busyShare: slotMs / (o.workerConcurrency * windowMs),
        firstAcceptToFirstEnqueuedMs: firstAdded - firstCreated,
        firstAcceptToFirstActiveMs: firstProcessed - firstCreated,
        firstAcceptToFirstClaimMs: firstClaimed - firstCreated,
        dokuRefundCallMeanMs: refundCallMs,
      },
      serviceCpuMsPerRefund: cpu.serviceCpuMs / Math.max(1, accepted),
      // The benchmark's watcher adds about one transaction per 100 ms of the run.
      roundTripsPerRefund: roundTrips,
      serviceCoresUsed: cpu.serviceCoresUsed,
      ...cpu.threads,
      machine: cpu.machine,
      timedOut,
      payments: paymentsNeeded,
      refundsPerPayment: o.refundsPerPayment,
    },
  };
  return { row, profileFile };
}
