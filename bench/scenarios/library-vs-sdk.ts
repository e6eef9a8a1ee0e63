import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DokuSnapClient, loadCredentials, snapTimestamp } from '@app/doku-snap';
import { loadDokuSdk, sdkErrorLabel, SdkSnap, silenced } from '../lib/doku-sdk';
import { cpuMeter } from '../lib/cpu';
import { CallOutcome, closedLoop, LoopResult } from '../lib/loop';
import { formatProfile, profileInProcess, ProfileSummary, summarizeProfile } from '../lib/profiler';
import type { ScenarioRow } from '../lib/report';
import { startSimulatorProcess, SimulatorProcess } from '../lib/simulator-process';
import { prepareDana } from '../../libs/doku-snap/test/support/dana';

export interface LibraryVsSdkOptions {
  simulatorMain: string;
  warmupMs: number;
  durationMs: number;
  /** Measurements per client and concurrency, interleaved; the median one is reported. */
  rounds: number;
  /** Set: profile the c=50 measurements of both clients (in this process) and write them here. */
  profileDir?: string;
  log: (line: string) => void;
}

export interface LibraryVsSdkResult {
  rows: ScenarioRow[];
  /** The SDK's bare client loop at concurrency 50: scenario 2's reference. */
  sdkAt50: LoopResult;
  profiles: Record<string, ProfileSummary>;
}

const AMOUNT = { value: '15000.00', currency: 'IDR' };
const RETURN_URL = 'https://shop.example/orders/return?x=1';
const DEVICE_ID = 'device12345';
// 10-15 characters: the SDK refuses shorter IPv4 addresses (pitfall P12).
const IP_ADDRESS = '203.0.113.7';
const ORDER_TITLE = 'Kopi susu x2';
const TARGET_RATIO = 3;

interface Measured {
  loop: LoopResult;
  /** CPU per call (successful or not) in the client process and in the simulator, µs. */
  clientCpuUsPerCall: number;
  simulatorCpuUsPerCall: number;
  /** Share of one core the client and the simulator used during the measured window. */
  clientCores: number;
  simulatorCores: number;
  tokenRequests: number;
  paymentsCreated: number;
  consoleLines: number;
}

/**
 * Scenario 1: DANA payment calls per second through libs/doku-snap and through DOKU's Node SDK,
 * against the same simulator process, at the same concurrency. Each call builds a fresh request
 * (new partnerReferenceNo) and sends it; both sides do their own signing.
 */
export async function libraryVsSdk(options: LibraryVsSdkOptions): Promise<LibraryVsSdkResult> {
  const sim = await startSimulatorProcess(options.simulatorMain, { requireDeviceId: true });
  try {
    return await run(sim, options);
  } finally {
    await sim.close();
  }
}

async function run(
  sim: SimulatorProcess,
  options: LibraryVsSdkOptions,
): Promise<LibraryVsSdkResult> {
  const { log } = options;
  const profiles: Record<string, ProfileSummary> = {};
  const runId = randomBytes(3).toString('hex');
  const validUpTo = snapTimestamp(Date.now() + 24 * 3600_000);
  const c = sim.credentials;

  const client = new DokuSnapClient({
    baseUrl: sim.url,
    credentials: loadCredentials({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      privateKey: c.merchantPrivateKeyPem,
      dokuPublicKey: c.dokuPublicKeyPem,
    }),
  });
  let libSeq = 0;
  const libCall = async (): Promise<CallOutcome> => {
    const prepared = prepareDana(client, {
      partnerReferenceNo: `LIB-${runId}-${libSeq++}`,
      amount: AMOUNT,
      returnUrl: RETURN_URL,
      validUpTo,
      pointOfInitiation: 'app',
      orderTitle: ORDER_TITLE,
      deviceId: DEVICE_ID,
      ipAddress: IP_ADDRESS,
    });
    const r = await client.send(prepared);
    if (r.outcome.kind === 'success') return true;
    return r.httpStatus
      ? `HTTP ${r.httpStatus} ${r.responseCode ?? ''} ${r.responseMessage ?? ''}`.trim()
      : (r.error ?? 'no answer');
  };

  const sdk = loadDokuSdk(sim.url);
  const newSnap = (): SdkSnap =>
    new sdk.Snap({
      isProduction: false,
      privateKey: c.merchantPrivateKeyPem,
      clientID: c.clientId,
      publicKey: c.merchantPublicKeyPem,
      dokuPublicKey: c.dokuPublicKeyPem,
      issuer: '',
      secretKey: c.clientSecret,
    });
  let sdkSeq = 0;
  const sdkCall = (snap: SdkSnap) => async (): Promise<CallOutcome> => {
    // A fresh DTO per call: the SDK adds additionalInfo.origin to the object it is given.
    const dto = new sdk.PaymentJumpAppRequestDto(
      `SDK-${runId}-${sdkSeq++}`,
      { ...AMOUNT },
      [{ url: RETURN_URL, type: 'PAY_RETURN', isDeepLink: 'N' }],
      validUpTo,
      'app',
      { channel: 'EMONEY_DANA_SNAP', orderTitle: ORDER_TITLE },
    );
    const res = await snap.doPaymentJumpApp(dto, IP_ADDRESS, DEVICE_ID);
    if (res.responseCode === '2005400') return true;
    return `SDK answer ${res.responseCode ?? '?'} ${res.responseMessage ?? ''}`.trim();
  };

  // Pitfall P9: does the SDK's DANA payment pass a simulator that requires X-DEVICE-ID?
  log('  checking X-DEVICE-ID (pitfall P9) with requireDeviceId: true ...');
  const start = await sim.counters();
  const libStrict = await libCall();
  let libraryTokens = (await sim.counters()).tokenRequests - start.tokenRequests;
  let sdkTokens = 0;
  const probe = newSnap();
  const sdkStrict = await silenced(async () => {
    try {
      return await sdkCall(probe)();
    } catch (err) {
      return sdkErrorLabel(err);
    }
  });
  const sdkAccepted = sdkStrict.value === true;
  log(`    library: ${libStrict === true ? 'accepted' : `REFUSED (${libStrict})`}`);
  log(
    `    DOKU SDK ${sdk.version}: ${sdkAccepted ? 'accepted' : `refused (${sdkStrict.value})`}` +
      ' -> relaxing requireDeviceId to compare throughput',
  );
  await sim.configure({ requireDeviceId: false });

  // Both clients, and the simulator, warm (JIT, connections) before anything is measured.
  log('  warming up both clients ...');
  await closedLoop(50, options.warmupMs * 2, libCall);
  await silenced(() => closedLoop(50, options.warmupMs * 2, sdkCall(probe), sdkErrorLabel));

  const measure = async (
    label: string,
    concurrency: number,
    call: () => Promise<CallOutcome>,
    isSdk: boolean,
    profileDir: string | undefined,
  ): Promise<Measured> => {
    const before = await sim.counters();
    let cpu = { ownMs: 0, otherMs: 0 };
    const go = async () => {
      await closedLoop(concurrency, options.warmupMs, call, sdkErrorLabel);
      const stop = cpuMeter(sim.pid);
      const timed = () => closedLoop(concurrency, options.durationMs, call, sdkErrorLabel);
      let loop: LoopResult;
      if (profileDir) {
        const profiled = await profileInProcess(timed);
        loop = profiled.value;
        const file = join(profileDir, `${isSdk ? 'sdk' : 'library'}-c${concurrency}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profiled.profile));
        profiles[`${isSdk ? 'sdk' : 'library'}C${concurrency}`] = summarizeProfile(
          profiled.profile,
        );
      } else {
        loop = await timed();
      }
      cpu = stop();
      return loop;
    };
    const { value: loop, lines } = isSdk ? await silenced(go) : { value: await go(), lines: 0 };
    const after = await sim.counters();
    const calls = loop.latencies.count;
    const m: Measured = {
      loop,
      clientCpuUsPerCall: (cpu.ownMs * 1000) / calls,
      simulatorCpuUsPerCall: (cpu.otherMs * 1000) / calls,
      clientCores: cpu.ownMs / loop.elapsedMs,
      simulatorCores: cpu.otherMs / loop.elapsedMs,
      tokenRequests: after.tokenRequests - before.tokenRequests,
      paymentsCreated: after.paymentsCreated - before.paymentsCreated,
      consoleLines: lines,
    };
    log(
      `  ${label} c=${concurrency}: ${loop.throughput.toFixed(0)} ok/s ` +
        `(${loop.attemptsPerSecond.toFixed(0)} calls/s, ${loop.errors.total} errors), ` +
        `p50 ${loop.latencies.percentile(50).toFixed(2)} ms, p99 ${loop.latencies.percentile(99).toFixed(2)} ms, ` +
        `${m.tokenRequests} token request(s); CPU per call: client ${m.clientCpuUsPerCall.toFixed(0)} µs, ` +
        `simulator ${m.simulatorCpuUsPerCall.toFixed(0)} µs (cores used: client ` +
        `${m.clientCores.toFixed(2)}, simulator ${m.simulatorCores.toFixed(2)})`,
    );
    return m;
  };

  const rows: ScenarioRow[] = [];
  let sdkAt50: LoopResult | undefined;
  for (const concurrency of [1, 50]) {
    // A new SDK instance per level shows its cold start (its constructor fetches a token without
    // waiting for it, and every call made before that token arrives fetches one too).
    let snap: SdkSnap | undefined;
    const libRounds: Measured[] = [];
    const sdkRounds: Measured[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const profileDir =
        concurrency === 50 && round === options.rounds - 1 ? options.profileDir : undefined;
      libRounds.push(await measure('library', concurrency, libCall, false, profileDir));
      // Created just before its first measurement, so that its token requests count there.
      snap ??= newSnap();
      sdkRounds.push(await measure('DOKU SDK', concurrency, sdkCall(snap), true, profileDir));
    }
    for (const m of libRounds) libraryTokens += m.tokenRequests;
    for (const m of sdkRounds) sdkTokens += m.tokenRequests;
    const lib = median(libRounds);
    const ref = median(sdkRounds);
    if (concurrency === 50) sdkAt50 = ref.loop;
    const ratio = lib.loop.throughput / ref.loop.throughput;
    const attemptsRatio = lib.loop.attemptsPerSecond / ref.loop.attemptsPerSecond;
    const l = lib.loop.latencies.summary();
    const s = ref.loop.latencies.summary();
    rows.push({
      name: `1 DANA payment: library vs SDK, c=${concurrency}`,
      unit: 'calls/s',
      throughput: lib.loop.throughput,
      ...l,
      errors: lib.loop.errors.total,
      reference: ref.loop.throughput,
      ratio,
      target: `>= ${TARGET_RATIO}x SDK`,
      met: ratio >= TARGET_RATIO && lib.loop.errors.total === 0,
      details: {
        library: {
          callsPerSecond: lib.loop.attemptsPerSecond,
          errors: lib.loop.errors.toJSON(),
          paymentsCreated: lib.paymentsCreated,
        },
        sdk: {
          okPerSecond: ref.loop.throughput,
          callsPerSecond: ref.loop.attemptsPerSecond,
          p50: s.p50,
          p95: s.p95,
          p99: s.p99,
          errors: ref.loop.errors.toJSON(),
          paymentsCreated: ref.paymentsCreated,
          consoleLines: ref.consoleLines,
        },
        ratioOfAllCalls: attemptsRatio,
        // Less noisy than throughput on a shared machine: what each client spends per call.
        clientCpuUsPerCall: { library: lib.clientCpuUsPerCall, sdk: ref.clientCpuUsPerCall },
        clientCpuRatio: ref.clientCpuUsPerCall / lib.clientCpuUsPerCall,
        simulatorCpuUsPerCall: {
          library: lib.simulatorCpuUsPerCall,
          sdk: ref.simulatorCpuUsPerCall,
        },
        rounds: options.rounds,
        roundThroughputs: {
          library: libRounds.map((m) => m.loop.throughput),
          sdk: sdkRounds.map((m) => m.loop.throughput),
        },
        sdkAcceptedWithDeviceIdRequired: sdkAccepted,
        sdkAnswerWithDeviceIdRequired: sdkAccepted ? 'accepted' : sdkStrict.value,
        libraryAcceptedWithDeviceIdRequired: libStrict === true,
      },
    });
    rows.push({
      name: `1 (reference) DOKU SDK ${sdk.version}, c=${concurrency}`,
      unit: 'calls/s',
      throughput: ref.loop.throughput,
      ...s,
      errors: ref.loop.errors.total,
      reference: null,
      ratio: null,
      target: null,
      met: null,
    });
  }
  await client.close();
  const totals = (await sim.counters()).tokenRequests - start.tokenRequests;
  for (const row of rows) {
    if (row.details) {
      row.details.tokenRequestsInScenario1 = {
        library: libraryTokens,
        sdkMeasuredInstances: sdkTokens,
        sdkProbeInstance: totals - libraryTokens - sdkTokens,
      };
    }
  }
  log(
    `  B2B token requests: library ${libraryTokens} in all; DOKU SDK ${sdkTokens} by the two ` +
      `measured instances, ${totals - libraryTokens - sdkTokens} by the probe instance ` +
      '(it never refreshes a token, P8, and fetches one per caller until the first arrives)',
  );
  for (const [name, summary] of Object.entries(profiles)) {
    log(formatProfile(`bench process, ${name} (client + load loop)`, summary, 12));
  }
  if (options.profileDir) log(`  profiles: ${options.profileDir}`);
  return { rows, sdkAt50: sdkAt50!, profiles };
}

/** The round with the median throughput (the lower middle one for an even count). */
function median(rounds: Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.loop.throughput - b.loop.throughput);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
