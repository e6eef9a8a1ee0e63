/**
 * `npm run bench`; `-- --quick` for a short run; `-- --profile` to CPU-profile both clients of
 * scenario 1 (in this process) and the service during scenarios 2, 3, 6 and 8; `-- --only 1,3` to run
 * some scenarios (1, 2, 3, 6, 7 and 8). See BENCHMARKS.md.
 *
 * Progress goes to stderr; the table and then one JSON object (the last line) go to stdout, and
 * the JSON to bench-results.json.
 */
import { SIMULATED_QRIS_TERMINAL, SIMULATED_VA_BINS, VIRTUAL_ACCOUNTS } from '@app/doku-snap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildService, ROOT } from './lib/build';
import type { LoopResult } from './lib/loop';
import {
  formatProfile,
  profilerSetup,
  ProfilerSetup,
  profileService,
  ProfileSummary,
  ProfileWindow,
  summarizeProfile,
} from './lib/profiler';
import { machine, roundRow, ScenarioRow, table } from './lib/report';
import { ServiceProcess, startService } from './lib/service-process';
import { SimulatorProcess, startSimulatorProcess } from './lib/simulator-process';
import { createPaymentScenario } from './scenarios/create-payment';
import { libraryVsSdk } from './scenarios/library-vs-sdk';
import { listPaymentsScenario } from './scenarios/list-payments';
import { qrisConfirmationsScenario } from './scenarios/qris-confirmations';
import { refundPipeline } from './scenarios/refund-pipeline';
import { vaNotificationsScenario } from './scenarios/va-notifications';
import { webhooksScenario } from './scenarios/webhooks';
import { startWebhookReceiver, webhookSecret } from '../test/support/webhook-receiver';
import { DEFAULT_QRIS_QUERY_INTERVALS } from '../apps/payments/src/config/qris-cadence';

interface Settings {
  quick: boolean;
  profile: boolean;
  only: Set<number>;
}

const SCENARIOS = [1, 2, 3, 6, 7, 8];

function parseArgs(argv: string[]): Settings {
  const settings: Settings = { quick: false, profile: false, only: new Set(SCENARIOS) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') settings.quick = true;
    else if (arg === '--profile') settings.profile = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      settings.only = new Set(
        (list ?? '')
          .split(',')
          .map(Number)
          .filter((n) => SCENARIOS.includes(n)),
      );
    } else if (arg === '--help' || arg === '-h') {
      console.log(`usage: npm run bench [-- --quick] [--profile] [--only ${SCENARIOS.join(',')}]`);
      process.exit(0);
    } else {
      console.error(`unknown argument ${arg} (try --help)`);
      process.exit(2);
    }
  }
  return settings;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

const cleanups: (() => Promise<void> | void)[] = [];
async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      log(`cleanup: ${(err as Error).message}`);
    }
  }
}

const strayRejections: string[] = [];

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const quick = settings.quick;
  // DOKU's SDK starts a token request in its constructor without awaiting it: a failure there
  // would be an unhandled rejection. Counted, not fatal.
  process.on('unhandledRejection', (reason) => {
    strayRejections.push(reason instanceof Error ? reason.message : String(reason));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up ...`);
      void runCleanups().finally(() => process.exit(130));
    });
  }

  const rows: ScenarioRow[] = [];
  const notes: string[] = [];
  const profiles: Record<string, ProfileSummary> = {};
  const profiler: ProfilerSetup | undefined = settings.profile ? profilerSetup() : undefined;
  const startedAt = Date.now();
  log(`doku-payments benchmark (${quick ? 'quick' : 'full'} run)`);
  log('building the service and the simulator ...');
  const build = await buildService();
  cleanups.push(() => build.remove());

  let sdkAt50: LoopResult | undefined;
  if (settings.only.has(1)) {
    log('scenario 1: DANA payment calls, libs/doku-snap vs doku-nodejs-library');
    const s1 = await libraryVsSdk({
      simulatorMain: build.simulatorMain,
      warmupMs: quick ? 1_000 : 1_500,
      durationMs: quick ? 3_000 : 6_000,
      rounds: quick ? 1 : 3,
      profileDir: profiler?.dir,
      log,
    });
    Object.assign(profiles, s1.profiles);
    rows.push(...s1.rows);
    sdkAt50 = s1.sdkAt50;
  }

  if ([2, 3, 6, 7, 8].some((n) => settings.only.has(n))) {
    const refundConcurrency = 50;
    const simulator: SimulatorProcess = await startSimulatorProcess(build.simulatorMain);
    cleanups.push(() => simulator.close());
    // Events on in every scenario: each status change is pushed to this endpoint.
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    log(
      'starting the service (ROLE=all, LOG_LEVEL=warn, one webhook endpoint) on a fresh database ...',
    );
    const service: ServiceProcess = await startService({
      serviceMain: build.serviceMain,
      simulator,
      env: {
        CHANNELS: 'DANA,SHOPEEPAY,VA_BCA,QRIS',
        DOKU_VA_BINS: `VA_BCA=${SIMULATED_VA_BINS[VIRTUAL_ACCOUNTS.find((c) => c.channel === 'VA_BCA')!.dokuChannel]}`,
        DOKU_QRIS_MERCHANT_ID: SIMULATED_QRIS_TERMINAL.merchantId,
        DOKU_QRIS_TERMINAL_ID: SIMULATED_QRIS_TERMINAL.terminalId,
        DOKU_QRIS_POSTAL_CODE: SIMULATED_QRIS_TERMINAL.postalCode,
        REFUND_CONCURRENCY: String(refundConcurrency),
        WEBHOOK_ENDPOINTS: JSON.stringify([
          { id: 'bench', url: receiver.url, secret: webhookSecret() },
        ]),
        WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
        WEBHOOK_SWEEP_EVERY_MS: '1000',
      },
      nodeArgs: profiler?.nodeArgs,
      ipc: profiler !== undefined,
    });
    cleanups.push(() => service.close());
    const profile: ProfileWindow | undefined = profiler
      ? (name) => profileService(service.child, profiler, name)
      : undefined;
    const summarize = (file: string | undefined, key: string, title: string) => {
      if (!file) return;
      const summary = summarizeProfile(file);
      profiles[key] = summary;
      log(formatProfile(title, summary));
      log(`  profile: ${file} (Chrome DevTools > Performance, or bench/profile-summary.ts)`);
    };

    if (settings.only.has(2)) {
      // The same load through each redirect wallet and a virtual account: the channel is data.
      for (const channel of ['DANA', 'SHOPEEPAY', 'VA_BCA']) {
        log(`scenario 2: POST /v1/payments (${channel}) under autocannon, 50 connections`);
        const s2 = await createPaymentScenario({
          service,
          channel,
          simulator,
          sdkAt50,
          connections: 50,
          warmupSeconds: quick ? 2 : 5,
          durationSeconds: quick ? 5 : 15,
          // The profile (when asked for) is DANA's, as before.
          profile: channel === 'DANA' ? profile : undefined,
          log,
        });
        rows.push(s2.row);
        if (channel === 'DANA') {
          summarize(s2.profileFile, 'serviceCreatePayment', 'service main thread, scenario 2');
          rows.push(s2.memory);
        }
      }
      log('scenario 2: virtual accounts paid: DOKU VA notifications to PAID');
      rows.push(
        await vaNotificationsScenario({
          service,
          simulator,
          channel: 'VA_BCA',
          payments: quick ? 200 : 1_000,
          concurrency: 50,
          log,
        }),
      );
      if (!sdkAt50) notes.push('scenario 2 ran without scenario 1: no SDK reference');
    }

    if (settings.only.has(3)) {
      log('scenario 3: refund pipeline');
      const s3 = await refundPipeline({
        service,
        simulator,
        refunds: quick ? 200 : 1_000,
        refundsPerPayment: 4,
        workerConcurrency: refundConcurrency,
        dokuLatencyMs: 200,
        clientConcurrency: 50,
        profile,
        log,
      });
      rows.push(s3.row);
      summarize(s3.profileFile, 'serviceRefundPipeline', 'service main thread, scenario 3');
    }

    if (settings.only.has(6)) {
      log('scenario 6: GET /v1/payments, pages of 100 from 1,000,000 payments');
      const s6 = await listPaymentsScenario({
        service,
        payments: 1_000_000,
        connections: 10,
        secondsPerShape: quick ? 3 : 8,
        profile,
        log,
      });
      rows.push(...s6.rows);
      summarize(s6.profileFile, 'serviceListPayments', 'service main thread, scenario 6');
    }

    if (settings.only.has(7)) {
      log('scenario 7: events pushed to a webhook endpoint');
      const s7 = await webhooksScenario({
        service,
        simulator,
        receiver,
        endpointId: 'bench',
        payments: quick ? 300 : 1_000,
        backlog: quick ? 2_000 : 10_000,
        log,
      });
      rows.push(...s7.rows);
    }

    if (settings.only.has(8)) {
      log('scenario 8: QRIS paid at random moments, confirmed by query alone');
      const s8 = await qrisConfirmationsScenario({
        service,
        simulator,
        payments: quick ? 100 : 500,
        // A customer at the till pays within a minute of the QR being shown. The default cadence
        // covers 90 s (its 30th query); a QR paid just after that query waits for the next, 30 s
        // later (BENCHMARKS.md): drawing moments up to the very edge measures that edge instead.
        payWithinMs: quick ? 30_000 : 60_000,
        dokuLatencyMs: 200,
        cadence: DEFAULT_QRIS_QUERY_INTERVALS,
        profile,
        log,
      });
      rows.push(...s8.rows);
      summarize(s8.profileFile, 'serviceQrisConfirmations', 'service main thread, scenario 8');
    }

    const counters = await simulator.counters();
    // The lists (scenario 6) call DOKU for nothing: the row is for scenarios 2 and 3.
    if (settings.only.has(2) || settings.only.has(3))
      rows.push({
        name: '4 B2B token requests by the service',
        unit: 'requests',
        throughput: counters.tokenRequests,
        p50: null,
        p95: null,
        p99: null,
        errors: 0,
        reference: 1,
        ratio: counters.tokenRequests,
        target: '= 1 over all scenarios',
        met: counters.tokenRequests === 1,
        details: {
          scenarios: [...settings.only].filter((n) => n === 2 || n === 3),
          requests: counters.requests,
        },
      });
    await runCleanups();
  }
  await runCleanups();

  if (profiler) notes.push('profiled run (sampling profiler on): figures include its overhead');
  if (strayRejections.length > 0) {
    notes.push(
      `${strayRejections.length} unhandled promise rejection(s), e.g. ${strayRejections[0]}` +
        " (DOKU SDK's constructor starts a token request nobody awaits)",
    );
  }
  // In scenario order (the memory figure comes out of scenario 2's run).
  const scenarioNo = (row: ScenarioRow) => Number(/^\d+/.exec(row.name)?.[0] ?? 0);
  const rounded = rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => scenarioNo(a.row) - scenarioNo(b.row) || a.i - b.i)
    .map(({ row }) => roundRow(row));
  const result = {
    machine: machine(),
    mode: quick ? 'quick' : 'full',
    seconds: Math.round((Date.now() - startedAt) / 1000),
    scenarios: rounded,
    notes,
    ...(profiler ? { profiles: { dir: profiler.dir, ...profiles } } : {}),
  };
  console.log(table(rounded));
  for (const note of notes) console.log(`note: ${note}`);
  const json = JSON.stringify(result);
  writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(json);
}

main().catch(async (err: unknown) => {
  log(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await runCleanups();
  process.exit(1);
});
