import { performance } from 'node:perf_hooks';
import { Latencies, Tally } from './stats';

/** What one call reports: `true` for success, or a short label saying why not. */
export type CallOutcome = true | string;

export interface LoopResult {
  concurrency: number;
  elapsedMs: number;
  ok: number;
  errors: Tally;
  /** Latency of every call, successful or not. */
  latencies: Latencies;
  /** Successful calls per second. */
  throughput: number;
  /** Calls per second, failed ones included. */
  attemptsPerSecond: number;
}

/**
 * A closed loop: `concurrency` callers, each starting its next call when the previous one ends,
 * for `durationMs`. Exceptions count as errors (labelled by `classify`).
 */
export async function closedLoop(
  concurrency: number,
  durationMs: number,
  call: () => Promise<CallOutcome>,
  classify: (err: unknown) => string = defaultClassify,
): Promise<LoopResult> {
  const latencies = new Latencies();
  const errors = new Tally();
  let ok = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const caller = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      let outcome: CallOutcome;
      try {
        outcome = await call();
      } catch (err) {
        outcome = classify(err);
      }
      latencies.add(performance.now() - t0);
      if (outcome === true) ok++;
      else errors.add(outcome);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsedMs = performance.now() - started;
  return {
    concurrency,
    elapsedMs,
    ok,
    errors,
    latencies,
    throughput: (ok * 1000) / elapsedMs,
    attemptsPerSecond: (latencies.count * 1000) / elapsedMs,
  };
}

function defaultClassify(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 120) : String(err);
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
